"""Organisations never see or touch each other's objects, even by id."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from okr.errors import NotFoundError
from okr.models import OrgSnapshot
from okr.quarter import load_quarter
from okr.store import Store
from okr.transfer import export_quarter, import_quarter

MakeSnapshot = Callable[[str], OrgSnapshot]

QUARTERS = sorted((Path(__file__).resolve().parents[2] / "evals" / "data" / "risk-dev")
                  .glob("q0[0-9].json"))



@pytest.fixture
def two_orgs(store: Store, make_snapshot: MakeSnapshot) -> Store:
    store.save_snapshot(make_snapshot("a"))
    store.create_organisation("b", "B")
    return store


def test_other_org_cannot_read_objectives_or_key_results_by_id(two_orgs: Store) -> None:
    with pytest.raises(NotFoundError):
        two_orgs.get_objective("b", "o-ship")
    with pytest.raises(NotFoundError):
        two_orgs.get_key_result("b", "kr-deploys")
    with pytest.raises(NotFoundError):
        two_orgs.find("b", "o-ship")


def test_other_org_lists_nothing_of_another(two_orgs: Store) -> None:
    assert two_orgs.list_objectives("b") == []
    assert two_orgs.list_cycles("b") == []
    assert two_orgs.history("b", "o-ship") == []
    assert two_orgs.load_snapshot("b").objectives == ()


def test_other_org_cannot_check_in_or_change_state_or_update(two_orgs: Store) -> None:
    before = two_orgs.counts("a")
    with pytest.raises(NotFoundError):
        two_orgs.add_check_in("b", "kr-deploys", 9)
    with pytest.raises(NotFoundError):
        two_orgs.set_objective_state("b", "o-ship", "published", actor="mallory")
    with pytest.raises(NotFoundError):
        two_orgs.update_key_result("b", "kr-deploys", {"target": 1}, actor="mallory")
    assert two_orgs.counts("a") == before
    assert two_orgs.get_key_result("a", "kr-deploys").target == 10


def test_same_ids_in_two_orgs_are_separate_objects(store: Store) -> None:
    quarter = load_quarter(QUARTERS[0])
    import_quarter(store, "a", quarter)
    import_quarter(store, "b", quarter)
    kr = quarter.key_results[0].id
    store.add_check_in("a", kr, 99)
    assert store.get_key_result("a", kr).current == 99
    assert store.get_key_result("b", kr).current == quarter.key_results[0].check_ins[-1].value
    assert export_quarter(store, "b", quarter.cycle.name) == quarter
