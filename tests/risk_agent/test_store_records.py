"""Decisions and nudge records in the store, and the radar's reads, stay inside one organisation.

Run on SQLite and on PostgreSQL (tests/support/stores.py): `store` (the
folder's conftest) opens this module's `store_url`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from stores import BACKENDS, database_url

from okr.demo import build_demo_org
from okr.errors import NotFoundError
from okr.models import Cycle, KeyResult, Objective, Organisation, OrgSnapshot
from tools.store_reads import cycle_view

AS_OF = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def two_orgs(store):
    """The demo organisation plus a second tenant with its own copy of the demo."""
    store.save_snapshot(build_demo_org("other", AS_OF), replace=True)
    return store


def test_a_decision_is_a_history_row_and_leaves_the_kr_unchanged(store):
    before = store.get_key_result("demo", "kr-2026q4-6-1")
    store.record_decision("demo", "kr-2026q4-6-1", {"playbook": "adjust_target",
                                                   "proposal": {"target": 1.9}}, "p-01", "review")
    assert store.get_key_result("demo", "kr-2026q4-6-1") == before
    assert store.history("demo", "kr-2026q4-6-1")[-1].action == "decided"


def test_a_decision_on_another_organisations_kr_is_refused(store):
    other = OrgSnapshot(
        organisation=Organisation("other", "Other"),
        cycles=(Cycle("c-1", "other", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),),
        objectives=(Objective("o-x", "other", "c-1", "Theirs", key_results=(
            KeyResult("kr-only-other", "other", "o-x", "Their KR", target=1.0),)),))
    store.save_snapshot(other)
    with pytest.raises(NotFoundError):
        store.record_decision("demo", "kr-only-other", {"playbook": "x"}, "p-01")
    assert store.history("other", "kr-only-other")[-1].action != "decided"


def test_nudges_are_counted_per_organisation(two_orgs):
    two_orgs.record_nudge("other", "p-01", {"kr_id": "kr-2026q4-6-1"}, at=NOW)
    assert two_orgs.nudges_since("demo", NOW - timedelta(days=7)) == []
    assert len(two_orgs.nudges_since("other", NOW - timedelta(days=7))) == 1


def test_a_nudge_to_someone_outside_the_organisation_is_refused(store):
    with pytest.raises(NotFoundError):
        store.record_nudge("demo", "p-nobody", {"kr_id": "kr-2026q4-6-1"}, at=NOW)


def test_the_cycle_view_reads_only_its_own_organisation(two_orgs):
    two_orgs.update_key_result("other", "kr-2026q4-6-1", {"text": "Other tenant's text"}, "x")
    view = cycle_view(two_orgs, "demo", "2026-Q4", AS_OF)
    assert view.key_results["kr-2026q4-6-1"].text != "Other tenant's text"
    assert all(k.org_id == "demo" for k in view.key_results.values())


def test_the_cycle_view_leaves_out_objectives_still_in_review(store):
    view = cycle_view(store, "demo", "2026-Q4", AS_OF)
    assert view.skipped and not set(view.skipped) & set(view.key_results)


def test_the_cycle_view_drops_check_ins_after_its_date(store):
    view = cycle_view(store, "demo", "2026-Q4", date(2026, 10, 20))
    assert all(c.date <= date(2026, 10, 20) for k in view.quarter.key_results
               for c in k.check_ins)
