"""Facts: stable ids, values from the canonical scoring, and sources for every figure."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from okr.errors import NotFoundError
from okr.review_facts import PULSE_DAYS, build_facts
from okr.scoring import kr_score, objective_score

TODAY = date(2026, 11, 18)


def test_every_measured_fact_names_its_sources(qbr_facts):
    measured = [f for f in qbr_facts.facts.values()
                if f.kind in ("score", "change", "risk", "stale", "dependency", "past_outcome",
                              "value", "note", "health")]
    assert measured
    assert all(f.sources for f in measured), [f.id for f in measured if not f.sources]


def test_kr_score_facts_come_from_the_scoring_module_with_their_check_in(demo, qbr_facts):
    kr = next(o for o in demo.objectives if o.cycle_id == "c-2026q3").key_results[0]
    fact = qbr_facts.fact(f"kr:{kr.id}:score")
    score = kr_score(kr, qbr_facts.as_of)
    assert fact.value == round(score, 4)
    assert fact.display == (f"{score:.2f}", f"{score:.0%}")
    assert fact.sources[0] == kr.id and fact.sources[1].startswith(f"{kr.id}@")


def test_change_since_the_last_pulse_is_the_score_a_week_apart(demo):
    facts = build_facts(demo, None, kind="pulse", today=TODAY)
    obj = next(o for o in demo.objectives if o.id == facts.objectives[0].id)
    before = objective_score(obj.key_results, TODAY - timedelta(days=PULSE_DAYS))
    expected = objective_score(obj.key_results, TODAY) - before
    assert facts.fact(f"objective:{obj.id}:change_pulse").value == round(expected, 4)


def test_mid_cycle_review_of_a_closed_cycle_looks_at_its_middle(demo):
    facts = build_facts(demo, "2026-Q2", kind="midcycle", today=TODAY)
    assert facts.as_of == date(2026, 5, 16)


def test_a_team_review_covers_the_team_and_its_sub_teams_only(demo):
    facts = build_facts(demo, "2026-Q3", team="Product & Engineering", kind="qbr", today=TODAY)
    assert facts.scope == "Product & Engineering"
    assert {o.team_name for o in facts.objectives} == {"Engineering", "Platform & Reliability",
                                                       "Product", "Design"}


def test_past_outcomes_of_the_same_team_are_facts_with_their_objective(demo, qbr_facts):
    with_past = [o for o in qbr_facts.objectives if o.past]
    assert with_past
    fact = qbr_facts.fact(with_past[0].past[0])
    assert fact.kind == "past_outcome" and fact.sources[0].startswith("o-2026q")


def test_every_flagged_key_result_of_the_radar_has_a_reason_sentence(qbr_facts):
    for r in qbr_facts.all_risks:
        assert r.kr_id in str(qbr_facts.fact(r.explanation).value)


@pytest.mark.parametrize(("cycle", "team"), [("2031-Q9", None), ("2026-Q3", "Astronauts")])
def test_unknown_cycles_and_teams_are_not_found(demo, cycle, team):
    with pytest.raises(NotFoundError):
        build_facts(demo, cycle, team=team, today=TODAY)
