"""Bulk save/load of an OrgSnapshot: what goes in comes out; upsert and replace."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from okr.models import AlignmentLink, CheckIn, Dependency, KeyResult, OrgSnapshot
from okr.store import Store
from okr.store.schema import Base

MakeSnapshot = Callable[[str], OrgSnapshot]


def _without_check_in_ids(snap: OrgSnapshot) -> OrgSnapshot:
    return dataclasses.replace(snap, objectives=tuple(
        dataclasses.replace(o, key_results=tuple(
            dataclasses.replace(k, check_ins=tuple(dataclasses.replace(c, id=None)
                                                   for c in k.check_ins))
            for k in o.key_results)) for o in snap.objectives))


def test_saved_snapshot_loads_back_equal(store: Store, make_snapshot: MakeSnapshot) -> None:
    snap = make_snapshot("acme")
    snap = dataclasses.replace(snap, alignments=(AlignmentLink("acme", "o-ship", "o-grow"),),
                               dependencies=(Dependency("acme", "kr-lead", "kr-deploys"),))
    store.save_snapshot(snap)
    loaded = _without_check_in_ids(store.load_snapshot("acme"))
    expected_deploys = dataclasses.replace(snap.objectives[1].key_results[0], current=4)
    expected = dataclasses.replace(snap, objectives=(snap.objectives[0], dataclasses.replace(
        snap.objectives[1], key_results=(expected_deploys, snap.objectives[1].key_results[1]))))
    assert loaded == expected


def test_upsert_updates_in_place_and_replaces_check_ins(store: Store,
                                                        make_snapshot: MakeSnapshot) -> None:
    snap = make_snapshot("acme")
    store.save_snapshot(snap)
    ship = snap.objectives[1]
    new_ci = CheckIn("kr-deploys", datetime(2024, 2, 1, tzinfo=UTC), 6)
    changed = dataclasses.replace(snap, objectives=(dataclasses.replace(
        ship, title="Ship much faster", key_results=(dataclasses.replace(
            ship.key_results[0], current=None, check_ins=(new_ci,)),)),))
    store.save_snapshot(changed)
    assert store.get_objective("acme", "o-ship").title == "Ship much faster"
    kr = store.get_key_result("acme", "kr-deploys")
    assert [c.value for c in kr.check_ins] == [6] and kr.current == 6
    assert store.get_key_result("acme", "kr-lead").text.startswith("Lead time")
    assert store.get_objective("acme", "o-grow").title == "Grow revenue"
    updated = [h for h in store.history("acme", "o-ship") if h.action == "updated"]
    assert updated[0].before is not None and updated[0].before["title"] == "Ship faster"


def test_replace_removes_what_the_snapshot_does_not_hold(store: Store,
                                                         make_snapshot: MakeSnapshot) -> None:
    snap = make_snapshot("acme")
    store.save_snapshot(snap)
    store.save_snapshot(dataclasses.replace(snap, objectives=snap.objectives[:1]), replace=True)
    assert [o.id for o in store.list_objectives("acme")] == ["o-grow"]
    assert store.counts("acme")["check_ins"] == 0


def test_loading_one_cycle_leaves_out_other_cycles(store: Store,
                                                   make_snapshot: MakeSnapshot) -> None:
    snap = make_snapshot("acme")
    q2 = dataclasses.replace(snap.cycles[0], id="c-q2", name="2024-Q2")
    extra = dataclasses.replace(snap.objectives[0], id="o-later", cycle_id="c-q2",
                                key_results=(KeyResult("kr-later", "acme", "o-later", "X"),))
    store.save_snapshot(dataclasses.replace(snap, cycles=(*snap.cycles, q2),
                                            objectives=(*snap.objectives, extra)))
    only = store.load_snapshot("acme", "2024-Q2")
    assert [o.id for o in only.objectives] == ["o-later"]
    assert [c.id for c in only.cycles] == ["c-q2"]


def test_opening_a_store_again_is_harmless(store_url: str, make_snapshot: MakeSnapshot) -> None:
    with Store(store_url) as first:
        first.save_snapshot(make_snapshot("acme"))
    with Store(store_url) as second:
        assert second.get_objective("acme", "o-ship").title == "Ship faster"


def test_migrations_match_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_links_of_entities_outside_the_snapshot_are_not_duplicated(
        store: Store, make_snapshot: MakeSnapshot) -> None:
    snap = dataclasses.replace(make_snapshot("acme"),
                               alignments=(AlignmentLink("acme", "o-ship", "o-grow"),))
    store.save_snapshot(snap)
    store.save_snapshot(dataclasses.replace(snap, objectives=()))
    assert store.alignments("acme") == [AlignmentLink("acme", "o-ship", "o-grow")]


def test_demo_organisation_survives_a_save_and_load(store: Store) -> None:
    from okr.demo import build_demo_org

    demo = build_demo_org("demo", date(2026, 11, 20))
    store.save_snapshot(demo)
    loaded = _without_check_in_ids(store.load_snapshot("demo"))
    assert loaded.teams == demo.teams
    assert set(loaded.people) == set(demo.people)
    assert set(loaded.cycles) == set(demo.cycles)
    assert {o.id: o for o in loaded.objectives} == {o.id: o for o in demo.objectives}
    assert set(loaded.alignments) == set(demo.alignments)
    assert set(loaded.dependencies) == set(demo.dependencies)
