"""The reviewer eval passes on the demo organisation, offline."""

from __future__ import annotations

from evals.reviewer import evaluate


def test_every_review_of_the_demo_organisation_passes_the_eval():
    rows = evaluate()
    assert len(rows) == 3 * 4 + 2
    assert sum(r.numbers for r in rows) > 1000
    assert [r for r in rows if not r.ok] == []
    assert all(r.risks_expected > 0 for r in rows if r.kind == "midcycle")
