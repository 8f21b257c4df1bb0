"""The retrieval eval runs on the offline model and keeps its recall."""

from __future__ import annotations

from evals.memory import DEFAULT_FILE, score_file


def test_recall_at_5_on_the_labelled_demo_queries_stays_above_the_floor() -> None:
    report = score_file(DEFAULT_FILE)
    assert len(report.results) >= 30
    assert report.recall_at_5 >= 0.85
    assert report.mrr >= 0.85
