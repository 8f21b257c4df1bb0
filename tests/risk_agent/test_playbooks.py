"""Playbook matching: each reason leads to its options, with the right people named."""

from __future__ import annotations

import math
from datetime import date

import pytest

from agents.playbooks import check_library, default_library, propose
from okr.quarter import QuarterFile
from okr.risk import KRRisk, assess_quarter, status_of
from okr.risk_features import KRSignals
from tools.store_reads import CycleView, cycle_view, lowest_common_team, quarter_view

AS_OF = date(2026, 11, 20)


def _quarter() -> QuarterFile:
    """Two departments: a-1 and a-2 under dept-a, b-1 under dept-b; a-1 and b-1 wait on a-2."""
    def kr(kid: str, obj: str, owner: str, deps: list[str], kind: str = "metric") -> dict:
        return {"id": kid, "objective": obj, "owner": owner, "text": f"KR {kid}",
                "kind": kind, "direction": "increase", "baseline": 10,
                "target": 1 if kind == "milestone" else 50, "unit": None, "depends_on": deps,
                "check_ins": [{"date": "2026-10-15", "value": 0 if kind == "milestone" else 20,
                               "note": "waiting on the vendor"}]}
    return QuarterFile.model_validate({
        "cycle": {"name": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31"},
        "as_of": AS_OF.isoformat(),
        "teams": [{"id": "co", "name": "Company", "parent": None},
                  {"id": "dept-a", "name": "Dept A", "parent": "co"},
                  {"id": "dept-b", "name": "Dept B", "parent": "co"},
                  {"id": "team-a1", "name": "Team A1", "parent": "dept-a"},
                  {"id": "team-a2", "name": "Team A2", "parent": "dept-a"},
                  {"id": "team-b1", "name": "Team B1", "parent": "dept-b"}],
        "objectives": [{"id": "o-a1", "team": "team-a1", "title": "A1", "parent": None},
                       {"id": "o-a2", "team": "team-a2", "title": "A2", "parent": None},
                       {"id": "o-b1", "team": "team-b1", "title": "B1", "parent": None}],
        "key_results": [kr("kr-a1", "o-a1", "p-a1", ["kr-a2"]), kr("kr-a2", "o-a2", "p-a2", []),
                        kr("kr-b1", "o-b1", "p-b1", ["kr-a2"]),
                        kr("kr-m", "o-a1", "p-a1", [], kind="milestone")],
    })


@pytest.fixture
def view() -> CycleView:
    return quarter_view(_quarter(), "acme")


def reading(kr_id: str, reasons: tuple[str, ...], *, elapsed: float = 0.55,
            forecast: float = 0.6, p_miss: float = 0.7, culprit: str | None = None,
            milestone: bool = False) -> KRRisk:
    signals = KRSignals(milestone=float(milestone), progress=0.25, elapsed=elapsed,
                        pace_gap=-0.3, n_check_ins=5.0, days_since=7.0, stale=0.0, stalled=0.0,
                        regressing=0.0, recent_move=0.0, confidence=0.5, confidence_drop=0.0,
                        blocker=0.0, trend_mean=forecast, trend_sd=0.1, trend_p_miss=p_miss)
    dep = 0.9 if culprit else 0.0
    return KRRisk(id=kr_id, status=status_of(p_miss), p_miss=p_miss, forecast=forecast,
                  reasons=reasons, explanation="", signals=signals, own_p_miss=p_miss,
                  dependency_risk=dep, dependency_culprit=culprit)


def _index(view: CycleView, *readings: KRRisk) -> dict[str, KRRisk]:
    index = {k.id: reading(k.id, ()) for k in view.quarter.key_results}
    index.update({r.id: r for r in readings})
    return index


def ids(kr: KRRisk, view: CycleView) -> list[str]:
    return [p.id for p in propose(kr, view, _index(view, kr))]


def test_library_templates_name_only_known_facts():
    assert check_library(default_library()) == []


def test_no_reasons_means_no_playbook(view):
    assert ids(reading("kr-a1", ()), view) == []


def test_a_blocker_without_a_dependency_is_escalated_to_the_parent_team(view):
    kr = reading("kr-a1", ("blocker_reported",))
    [escalate] = [p for p in propose(kr, view, _index(view, kr)) if p.kind == "escalate_blocker"]
    assert escalate.id == "escalate_blocker"
    assert [(a.role, a.team_id) for a in escalate.actors] == [("owner", "team-a1"),
                                                              ("parent_lead", "dept-a")]


def test_a_dependency_at_risk_is_escalated_to_the_upstream_owner_first(view):
    kr = reading("kr-a1", ("dependency_at_risk",), culprit="kr-a2")
    [escalate] = [p for p in propose(kr, view, _index(view, kr)) if p.kind == "escalate_blocker"]
    assert (escalate.actors[0].role, escalate.actors[0].person_id) == ("upstream_owner", "p-a2")


def test_escalation_across_teams_goes_to_the_lowest_common_parent_team(view):
    same_dept = reading("kr-a1", ("dependency_at_risk",), culprit="kr-a2")
    other_dept = reading("kr-b1", ("dependency_at_risk",), culprit="kr-a2")
    teams = [next(a.team_id for a in p.actors if a.role == "common_parent_lead")
             for kr in (same_dept, other_dept)
             for p in propose(kr, view, _index(view, kr)) if p.id == "escalate_dependency"]
    assert teams == ["dept-a", "co"]


def test_a_dependency_at_risk_offers_rescoping_with_both_owners(view):
    kr = reading("kr-b1", ("dependency_at_risk",), culprit="kr-a2")
    [rescope] = [p for p in propose(kr, view, _index(view, kr)) if p.id == "rescope_dependency"]
    assert {a.person_id for a in rescope.actors} == {"p-b1", "p-a2"}


def test_behind_pace_late_with_a_low_forecast_proposes_the_target_the_trend_reaches(view):
    kr = reading("kr-a1", ("behind_pace",), elapsed=0.6, forecast=0.5)
    [adjust] = [p for p in propose(kr, view, _index(view, kr)) if p.id == "adjust_target"]
    assert adjust.proposal == {"target": 30}  # 10 + 0.5 x (50 - 10)


def test_adjusting_the_target_is_not_offered_early_in_the_cycle(view):
    assert "adjust_target" not in ids(reading("kr-a1", ("behind_pace",), elapsed=0.3,
                                              forecast=0.4), view)


def test_a_milestone_is_never_offered_a_target_change(view):
    assert "adjust_target" not in ids(reading("kr-m", ("behind_pace",), elapsed=0.7,
                                              forecast=0.3, milestone=True), view)


def test_a_stalled_kr_with_time_left_gets_a_change_of_approach(view):
    assert "change_approach" in ids(reading("kr-a1", ("stalled",), elapsed=0.5), view)


def test_no_change_of_approach_in_the_last_fifth_of_the_cycle(view):
    assert "change_approach" not in ids(reading("kr-a1", ("stalled",), elapsed=0.9), view)


def test_a_kr_that_cannot_recover_late_in_the_cycle_may_be_retired(view):
    assert "retire_kr" in ids(reading("kr-a1", ("behind_pace",), elapsed=0.7, forecast=0.2,
                                      p_miss=0.95), view)


def test_retirement_is_not_offered_while_the_forecast_is_reasonable(view):
    assert "retire_kr" not in ids(reading("kr-a1", ("behind_pace",), elapsed=0.7,
                                          forecast=0.5), view)


def test_steps_name_the_people_who_act(view):
    kr = reading("kr-b1", ("dependency_at_risk",), culprit="kr-a2")
    escalate = propose(kr, view, _index(view, kr))[0]
    assert "p-a2" in escalate.steps[0] and "kr-a2" in escalate.steps[0]


def test_lowest_common_team_is_the_nearest_shared_ancestor(view):
    teams = view.teams
    assert lowest_common_team(teams, "team-a1", "team-a2") == "dept-a"
    assert lowest_common_team(teams, "team-a1", "team-b1") == "co"
    assert lowest_common_team(teams, "team-a1", "dept-a") == "dept-a"
    assert lowest_common_team(teams, "team-a1", None) is None


def test_demo_escalation_names_the_platform_owner_and_their_shared_department(store):
    view = cycle_view(store, "demo", as_of=AS_OF)
    index = {k.id: k for k in assess_quarter(view.quarter).key_results}
    options = propose(index["kr-2026q4-13-2"], view, index)
    escalate = next(p for p in options if p.id == "escalate_dependency")
    roles = {a.role: (a.person_id, a.team_id) for a in escalate.actors}
    assert roles["upstream_owner"] == (view.owner_of("kr-2026q4-15-2"), "t-platform")
    assert roles["common_parent_lead"][1] == "t-rnd"


def test_proposed_target_is_finite_for_every_demo_kr_at_risk(store):
    view = cycle_view(store, "demo", as_of=AS_OF)
    index = {k.id: k for k in assess_quarter(view.quarter).key_results}
    targets = [p.proposal["target"] for k in index.values() if k.status != "on_track"
               for p in propose(k, view, index) if p.proposal]
    assert targets and all(math.isfinite(t) for t in targets)
