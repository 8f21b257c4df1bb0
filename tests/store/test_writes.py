"""Single writes: check-ins, state changes, key result updates, history; all-or-nothing."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from okr.errors import NotFoundError, TransitionError, ValidationError
from okr.models import AlignmentLink, CheckIn, CheckInSource, ObjectiveState, OrgSnapshot
from okr.store import Store

MakeSnapshot = Callable[[str], OrgSnapshot]


@pytest.fixture
def acme(store: Store, make_snapshot: MakeSnapshot) -> Store:
    store.save_snapshot(make_snapshot("acme"))
    return store


def test_check_in_updates_current_and_writes_history(acme: Store) -> None:
    at = datetime(2024, 2, 1, tzinfo=UTC)
    acme.add_check_in("acme", "kr-deploys", 7, 0.75, "faster CI", "ana",
                      CheckInSource.CONNECTOR, at)
    kr = acme.get_key_result("acme", "kr-deploys")
    assert kr.current == 7
    assert kr.check_ins[-1].source is CheckInSource.CONNECTOR
    assert kr.check_ins[-1].at == at
    entry = acme.history("acme", "kr-deploys")[-1]
    assert (entry.action, entry.actor, entry.before, entry.after["current"]) == \
        ("checked_in", "ana", {"current": 4}, 7)


def test_backdated_check_in_does_not_move_current(acme: Store) -> None:
    acme.add_check_in("acme", "kr-deploys", 3, at=datetime(2024, 1, 2, tzinfo=UTC))
    assert acme.get_key_result("acme", "kr-deploys").current == 4


@pytest.mark.parametrize("value, confidence", [(5, 1.5), (5, -0.1), (math.nan, 0.5),
                                                ("5", None)])
def test_bad_check_in_is_refused_and_leaves_nothing(acme: Store, value: object,
                                                    confidence: float | None) -> None:
    before = acme.counts("acme")
    with pytest.raises(ValidationError):
        acme.add_check_in("acme", "kr-deploys", value, confidence)  # type: ignore[arg-type]
    assert acme.counts("acme") == before
    assert acme.get_key_result("acme", "kr-deploys").current == 4


def test_check_in_on_unknown_key_result_names_it(acme: Store) -> None:
    with pytest.raises(NotFoundError, match="kr-nope"):
        acme.add_check_in("acme", "kr-nope", 1)


def test_check_ins_on_a_closed_objective_are_refused(acme: Store) -> None:
    acme.set_objective_state("acme", "o-ship", "published", actor="ana")
    acme.set_objective_state("acme", "o-ship", "closed", actor="ana")
    with pytest.raises(ValidationError, match="closed"):
        acme.add_check_in("acme", "kr-deploys", 8)


def test_allowed_transition_is_recorded_with_actor_and_reason(acme: Store) -> None:
    obj = acme.set_objective_state("acme", "o-ship", ObjectiveState.PUBLISHED, actor="critic",
                                   reason="override: exec approved")
    assert obj.state is ObjectiveState.PUBLISHED
    entry = acme.history("acme", "o-ship")[-1]
    assert (entry.action, entry.actor, entry.reason) == \
        ("state_changed", "critic", "override: exec approved")
    assert (entry.before, entry.after) == ({"state": "draft"}, {"state": "published"})


def test_refused_transition_names_both_states_and_changes_nothing(acme: Store) -> None:
    with pytest.raises(TransitionError, match="draft to closed"):
        acme.set_objective_state("acme", "o-ship", "closed", actor="ana")
    assert acme.get_objective("acme", "o-ship").state is ObjectiveState.DRAFT


def test_retired_objectives_cannot_come_back(acme: Store) -> None:
    acme.set_objective_state("acme", "o-ship", "retired", actor="ana")
    with pytest.raises(TransitionError):
        acme.set_objective_state("acme", "o-ship", "draft", actor="ana")


def test_unknown_state_is_a_validation_error(acme: Store) -> None:
    with pytest.raises(ValidationError, match="unknown state"):
        acme.set_objective_state("acme", "o-ship", "shipped", actor="ana")


def test_update_key_result_records_before_and_after(acme: Store) -> None:
    kr = acme.update_key_result("acme", "kr-deploys", {"target": 12, "unit": "deploys"},
                                actor="ana", reason="raised the bar")
    assert (kr.target, kr.unit) == (12, "deploys")
    entry = acme.history("acme", "kr-deploys")[-1]
    assert entry.before == {"target": 10, "unit": ""}
    assert entry.after == {"target": 12, "unit": "deploys"}
    assert entry.reason == "raised the bar"


def test_update_key_result_refuses_unknown_fields(acme: Store) -> None:
    with pytest.raises(ValidationError, match="objective_id"):
        acme.update_key_result("acme", "kr-deploys", {"objective_id": "o-grow"}, actor="ana")


def test_update_key_result_refuses_an_owner_outside_the_org(acme: Store) -> None:
    with pytest.raises(ValidationError, match="p-ghost"):
        acme.update_key_result("acme", "kr-deploys", {"owner_id": "p-ghost"}, actor="ana")


def test_snapshot_refused_by_the_database_midway_leaves_it_unchanged(
        acme: Store, make_snapshot: MakeSnapshot) -> None:
    before = acme.counts("acme")
    snap = make_snapshot("acme")
    link = AlignmentLink("acme", "o-ship", "o-grow")
    bad = dataclasses.replace(snap, objectives=(
        dataclasses.replace(snap.objectives[0], title="Renamed"), *snap.objectives[1:]),
        alignments=(link, link))
    with pytest.raises(ValidationError, match="refused"):
        acme.save_snapshot(bad)
    assert acme.counts("acme") == before
    assert acme.get_objective("acme", "o-grow").title == "Grow revenue"


def test_snapshot_with_non_finite_numbers_is_refused(acme: Store,
                                                     make_snapshot: MakeSnapshot) -> None:
    snap = make_snapshot("acme")
    obj = snap.objectives[1]
    bad_kr = dataclasses.replace(obj.key_results[0], check_ins=(
        CheckIn("kr-deploys", datetime(2024, 1, 21, tzinfo=UTC), math.inf),))
    bad = dataclasses.replace(snap, objectives=(
        snap.objectives[0], dataclasses.replace(obj, key_results=(bad_kr,))))
    with pytest.raises(ValidationError, match="kr-deploys"):
        acme.save_snapshot(bad)


def test_snapshot_with_dangling_references_lists_every_problem(
        store: Store, make_snapshot: MakeSnapshot) -> None:
    snap = make_snapshot("acme")
    bad = dataclasses.replace(snap, teams=snap.teams[:1], people=())
    with pytest.raises(ValidationError) as err:
        store.save_snapshot(bad)
    assert "t-eng" in str(err.value) and "p-ana" in str(err.value)
    assert store.list_organisations() == []
