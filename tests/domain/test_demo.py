"""The demo organisation is deterministic and looks like a real company."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from okr.alignment import gaps, over_allocation, unaligned
from okr.demo import build_demo_org
from okr.health import programme_health
from okr.models import Direction, KRKind, Level, ObjectiveState, OrgSnapshot
from okr.scoring import SUCCESS_THRESHOLD, kr_score

from .conftest import DEMO_TODAY


def _current(demo: OrgSnapshot) -> str:
    return next(c.id for c in demo.cycles if not c.closed)


def test_same_arguments_give_the_same_snapshot(demo):
    assert build_demo_org("demo", DEMO_TODAY) == demo


def test_another_organisation_id_gives_other_numbers_under_its_own_id(demo):
    other = build_demo_org("acme", DEMO_TODAY)
    assert {o.org_id for o in other.objectives} == {"acme"}
    values = lambda s: [c.value for o in s.objectives for k in o.key_results  # noqa: E731
                        for c in k.check_ins]
    assert values(other) != values(demo)


def test_every_team_function_of_a_company_is_present(demo):
    functions = {t.function for t in demo.teams}
    assert {"sales", "marketing", "customer_success", "support", "engineering", "product",
            "people", "finance"} <= functions


def test_teams_form_a_company_department_team_hierarchy(demo):
    by_id = {t.id: t for t in demo.teams}
    roots = [t for t in demo.teams if t.parent_id is None]
    assert [t.name for t in roots] == ["Northwind Analytics"]
    depth = {t.id: 0 if t.parent_id is None else 1 + (by_id[t.parent_id].parent_id is not None)
             for t in demo.teams}
    assert Counter(depth.values()) == {0: 1, 1: 4, 2: 12}


def test_about_forty_people_each_with_a_unique_email(demo):
    emails = [p.email for p in demo.people]
    assert 35 <= len(demo.people) <= 45
    assert len(set(emails)) == len(emails)
    assert all(e and re.fullmatch(r"[a-z]+\.[a-z]+@northwind\.example", e) for e in emails)


def test_four_quarters_the_last_one_containing_today_and_the_others_closed(demo):
    assert [c.name for c in demo.cycles] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [c.closed for c in demo.cycles] == [True, True, True, False]
    assert demo.cycles[-1].start <= DEMO_TODAY <= demo.cycles[-1].end


def test_closed_quarters_hold_closed_objectives_and_the_current_one_published(demo):
    current = _current(demo)
    for o in demo.objectives:
        if o.cycle_id != current:
            assert o.state is ObjectiveState.CLOSED
    states = Counter(o.state for o in demo.objectives if o.cycle_id == current)
    assert states[ObjectiveState.PUBLISHED] >= 15
    assert set(states) <= {ObjectiveState.PUBLISHED, ObjectiveState.IN_REVIEW}


def test_every_objective_has_two_to_five_key_results(demo):
    assert all(2 <= len(o.key_results) <= 5 for o in demo.objectives)


def test_ids_are_readable_and_unique(demo):
    ids = [o.id for o in demo.objectives] + [k.id for o in demo.objectives
                                             for k in o.key_results]
    assert len(set(ids)) == len(ids)
    assert "o-2026q4-3" in ids
    assert all(re.fullmatch(r"(o|kr)-\d{4}q\d(-\d+)+", i) for i in ids)


def test_a_company_objective_is_about_retention_with_nrr_and_churn(demo):
    retention = [o for o in demo.objectives if o.level is Level.COMPANY
                 and o.title == "Keep and grow the customers we have"]
    assert len(retention) == 4
    texts = [k.text for k in retention[-1].key_results]
    assert "Net revenue retention from 104% to 110%" in texts
    assert any(t.startswith("Logo churn") for t in texts)


def test_key_results_mix_decreasing_metrics_milestones_and_weights(demo):
    krs = [k for o in demo.objectives for k in o.key_results]
    assert any(k.direction is Direction.DECREASE and k.target < k.baseline for k in krs)
    assert any(k.kind is KRKind.MILESTONE for k in krs)
    assert any(k.weight is not None for k in krs)
    assert all(k.kind is KRKind.MILESTONE or " from " in k.text for k in krs)


def test_closed_quarters_end_with_hits_and_misses_and_closing_notes(demo):
    closed = {c.id for c in demo.cycles if c.closed}
    krs = [k for o in demo.objectives if o.cycle_id in closed for k in o.key_results]
    hits = sum(kr_score(k) >= SUCCESS_THRESHOLD for k in krs)
    assert 0.3 < hits / len(krs) < 0.8
    assert all(k.check_ins and k.check_ins[-1].note for k in krs)
    notes = " ".join(c.note.lower() for k in krs for c in k.check_ins)
    assert "blocked by" in notes and "waiting on legal" in notes


def test_current_quarter_has_check_ins_only_up_to_today(demo):
    current = _current(demo)
    days = [c.at.date() for o in demo.objectives if o.cycle_id == current
            for k in o.key_results for c in k.check_ins]
    assert days and max(days) <= DEMO_TODAY


def test_current_quarter_has_stale_owners_falling_confidence_and_regressions(demo):
    health = programme_health(demo, as_of=DEMO_TODAY)
    assert len(health.stale) >= 3
    krs = [k for o in demo.objectives if o.cycle_id == _current(demo) for k in o.key_results]
    confidences = [[c.confidence for c in k.check_ins if c.confidence is not None]
                   for k in krs]
    assert any(len(c) >= 4 and c[-1] < max(c[:-3]) - 0.3 for c in confidences)
    regressing = [k for k in krs if len(k.check_ins) >= 3 and k.kind is KRKind.METRIC
                  and kr_score(k) < kr_score(k, k.check_ins[-3].at.date()) - 0.1]
    assert regressing


def test_current_quarter_has_cross_team_dependencies(demo):
    current = _current(demo)
    team_of = {k.id: o.team_id for o in demo.objectives if o.cycle_id == current
               for k in o.key_results}
    cross = [d for d in demo.dependencies
             if d.kr_id in team_of and team_of[d.kr_id] != team_of.get(d.upstream_kr_id)]
    assert len(cross) >= 4


def test_alignment_shows_a_gap_a_pile_up_and_a_loose_end(demo):
    current = _current(demo)
    assert [g.title for g in gaps(demo, current)] == ["Earn the trust of regulated industries"]
    assert any(x.objective.title == "Keep and grow the customers we have"
               for x in over_allocation(demo, current))
    assert len(unaligned(demo, current)) == 1


def test_building_for_another_day_moves_the_quarters(demo):
    other = build_demo_org("demo", date(2027, 2, 10))
    assert [c.name for c in other.cycles] == ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]
