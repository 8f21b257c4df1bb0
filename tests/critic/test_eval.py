"""The critic eval: figures on labelled data, and the floor the suite enforces."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from evals.critic import DEFAULT_FILE, CodeScore, print_report, score_file

OWN_SETS = sorted((Path(__file__).parent / "data").glob("varied*.jsonl"))
HOLDOUT_SETS = sorted(DEFAULT_FILE.parent.glob("critic-holdout*.jsonl"))


def test_dev_set_micro_f1_is_at_least_095() -> None:
    assert score_file(DEFAULT_FILE).micro_f1 >= 0.95


def test_dev_set_publish_gate_accuracy_is_at_least_095() -> None:
    assert score_file(DEFAULT_FILE).gate_accuracy >= 0.95


@pytest.mark.parametrize("path", OWN_SETS, ids=lambda p: p.name)
def test_own_labelled_sets_from_other_industries_reach_micro_f1_085(path: Path) -> None:
    assert score_file(path).micro_f1 >= 0.85


@pytest.mark.parametrize("path", HOLDOUT_SETS, ids=lambda p: p.name)
def test_blind_labelled_holdout_sets_reach_micro_f1_085_and_gate_085(path: Path) -> None:
    report = score_file(path)
    assert report.micro_f1 >= 0.85
    assert report.gate_accuracy >= 0.85


def test_there_are_blind_holdout_sets_to_score() -> None:
    assert len(HOLDOUT_SETS) >= 2


def test_code_score_handles_a_code_never_seen() -> None:
    s = CodeScore("kr_output", tp=0, fp=0, fn=0)
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_code_score_f1_is_harmonic_mean() -> None:
    assert CodeScore("x", tp=2, fp=2, fn=0).f1 == 2 * 0.5 * 1.0 / 1.5


def test_report_prints_micro_f1_and_gate_accuracy() -> None:
    console = Console(record=True, width=120)
    print_report(score_file(DEFAULT_FILE), console, show_misses=False)
    text = console.export_text()
    assert "micro" in text and "publish-gate accuracy" in text
