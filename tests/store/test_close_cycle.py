"""Closing a cycle: results become final, in one transaction, with history; on both backends."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from okr.errors import NotFoundError, TransitionError, ValidationError
from okr.models import Objective, ObjectiveState, OrgSnapshot
from okr.store import Store

MakeSnapshot = Callable[[str], OrgSnapshot]
ORG = "acme"


def _with_states(snapshot: OrgSnapshot) -> OrgSnapshot:
    """The small organisation with one objective in each state that can be open or final."""
    grow, ship = snapshot.objectives
    extra = (
        Objective("o-review", ORG, "c-q1", "Hire two engineers", team_id="t-eng",
                  state=ObjectiveState.IN_REVIEW),
        Objective("o-gone", ORG, "c-q1", "Old idea", team_id="t-eng",
                  state=ObjectiveState.RETIRED),
    )
    return dataclasses.replace(snapshot, objectives=(
        grow, dataclasses.replace(ship, state=ObjectiveState.PUBLISHED), *extra))


@pytest.fixture
def acme(store: Store, make_snapshot: MakeSnapshot) -> Store:
    store.save_snapshot(_with_states(make_snapshot(ORG)))
    return store


def _states(store: Store) -> dict[str, ObjectiveState]:
    return {o.id: o.state for o in store.list_objectives(ORG, "c-q1")}


def test_closing_marks_the_cycle_closed(acme: Store) -> None:
    closed = acme.close_cycle(ORG, "2024-Q1", "ana")
    assert closed.closed and closed.id == "c-q1"
    assert acme.get_cycle(ORG, "c-q1").closed


def test_published_objectives_close_and_unpublished_ones_retire(acme: Store) -> None:
    acme.close_cycle(ORG, "c-q1", "ana")
    assert _states(acme) == {"o-grow": ObjectiveState.RETIRED,
                             "o-ship": ObjectiveState.CLOSED,
                             "o-review": ObjectiveState.RETIRED,
                             "o-gone": ObjectiveState.RETIRED}


def test_each_change_has_a_history_row_with_actor_and_reason(acme: Store) -> None:
    acme.close_cycle(ORG, "c-q1", "ana", reason="quarter over")
    changes = {h.entity_id: h for h in acme.history(ORG) if h.action == "state_changed"}
    assert set(changes) == {"o-grow", "o-ship", "o-review"}
    assert changes["o-ship"].before == {"state": "published"}
    assert changes["o-ship"].after == {"state": "closed"}
    assert changes["o-ship"].reason == "quarter over"
    assert changes["o-review"].reason == changes["o-grow"].reason == "cycle closed"
    assert {h.actor for h in changes.values()} == {"ana"}


def test_the_cycle_close_itself_is_recorded_with_what_moved(acme: Store) -> None:
    acme.close_cycle(ORG, "c-q1", "ana")
    entry = acme.history(ORG, "c-q1")[-1]
    assert (entry.entity, entry.action, entry.actor) == ("cycle", "closed", "ana")
    assert entry.after == {"closed": True, "objectives_closed": 1, "objectives_retired": 2}


def test_closing_a_closed_cycle_is_refused_and_changes_nothing(acme: Store) -> None:
    acme.close_cycle(ORG, "c-q1", "ana")
    history = acme.history(ORG)
    with pytest.raises(TransitionError, match="already closed"):
        acme.close_cycle(ORG, "2024-Q1", "ana")
    assert acme.history(ORG) == history


def test_check_ins_on_a_closed_cycle_are_refused(acme: Store) -> None:
    acme.close_cycle(ORG, "c-q1", "ana")
    with pytest.raises(ValidationError, match="closed"):
        acme.add_check_in(ORG, "kr-deploys", 6)
    assert acme.get_key_result(ORG, "kr-deploys").current == 4


def test_a_check_in_is_refused_when_the_cycle_closed_even_if_its_objective_did_not(
        acme: Store, make_snapshot: MakeSnapshot) -> None:
    acme.close_cycle(ORG, "c-q1", "ana")
    reopened = dataclasses.replace(make_snapshot(ORG).objectives[1],
                                   state=ObjectiveState.PUBLISHED)
    acme.save_snapshot(dataclasses.replace(make_snapshot(ORG), cycles=(),
                                           objectives=(reopened,)))
    with pytest.raises(ValidationError, match="cycle '2024-Q1' is closed"):
        acme.add_check_in(ORG, "kr-deploys", 6)


def test_an_objective_in_a_closed_cycle_cannot_be_published(
        acme: Store, make_snapshot: MakeSnapshot) -> None:
    acme.close_cycle(ORG, "c-q1", "ana")
    late = Objective("o-late", ORG, "c-q1", "Late idea", team_id="t-eng")
    acme.save_snapshot(dataclasses.replace(make_snapshot(ORG), cycles=(), objectives=(late,)))
    with pytest.raises(TransitionError, match="closed cycle"):
        acme.set_objective_state(ORG, "o-late", ObjectiveState.PUBLISHED, "ana")
    assert acme.set_objective_state(ORG, "o-late", ObjectiveState.RETIRED,
                                    "ana").state is ObjectiveState.RETIRED


def test_another_organisations_cycle_is_not_found_and_stays_open(
        acme: Store, make_snapshot: MakeSnapshot) -> None:
    acme.save_snapshot(make_snapshot("globex"))
    with pytest.raises(NotFoundError):
        acme.close_cycle("globex", "c-missing", "ana")
    acme.close_cycle(ORG, "c-q1", "ana")
    assert not acme.get_cycle("globex", "c-q1").closed
    assert {o.state for o in acme.list_objectives("globex")} == {ObjectiveState.DRAFT}


def test_objective_states_count_each_cycles_objectives_by_state(acme: Store) -> None:
    acme.close_cycle(ORG, "c-q1", "ana")
    assert acme.objective_states(ORG) == {
        "c-q1": {ObjectiveState.CLOSED: 1, ObjectiveState.RETIRED: 3}}
    assert acme.objective_states("nobody") == {}
