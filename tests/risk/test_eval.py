"""The radar beats the spec's naive pace baseline on the labelled dev quarters."""

from __future__ import annotations

import pytest

from evals.risk import FileScores, evaluate


@pytest.fixture(scope="module")
def pooled() -> FileScores:
    return evaluate()[1]


def test_detector_beats_naive_baseline_on_auc(pooled: FileScores) -> None:
    assert pooled.detector.auc > pooled.naive.auc


def test_detector_beats_naive_baseline_on_brier(pooled: FileScores) -> None:
    assert pooled.detector.brier < pooled.naive.brier


def test_detector_meets_the_issue_targets(pooled: FileScores) -> None:
    assert pooled.detector.auc >= 0.80 and pooled.detector.brier <= 0.19


def test_every_dev_file_is_scored() -> None:
    per_file, pooled = evaluate()
    assert len(per_file) == 6 and pooled.detector.n == sum(f.detector.n for f in per_file)


def test_detector_beats_the_smooth_pace_baseline_too(pooled: FileScores) -> None:
    assert pooled.detector.auc > pooled.naive_smooth.auc
    assert pooled.detector.brier < pooled.naive_smooth.brier
