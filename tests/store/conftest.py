"""Fixtures: a fresh store per test, on SQLite always and on PostgreSQL when reachable.

The databases come from tests/support/stores.py (shared with the other
folders whose tests run on both backends): PostgreSQL from
OKR_TEST_POSTGRES_URL, a schema per test, skipped when unreachable unless
OKR_REQUIRE_POSTGRES is set, where it fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from stores import BACKENDS, database_url

from okr.models import (
    CheckIn,
    Cycle,
    KeyResult,
    Objective,
    Organisation,
    OrgSnapshot,
    Person,
    Team,
)
from okr.store import Store


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of each kind."""
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def make_snapshot() -> Callable[[str], OrgSnapshot]:
    """Builds the small hand-made organisation of `small_snapshot` under any id."""
    return small_snapshot


def small_snapshot(org_id: str = "acme") -> OrgSnapshot:
    """A hand-built organisation: two teams, one cycle, two objectives, three KRs."""
    at = datetime(2024, 1, 15, 12, tzinfo=UTC)
    return OrgSnapshot(
        organisation=Organisation(org_id, "Acme"),
        teams=(Team("t-root", org_id, "Acme"), Team("t-eng", org_id, "Engineering", "t-root")),
        people=(Person("p-ana", org_id, "Ana", "ana@acme.test", "t-eng"),),
        cycles=(Cycle("c-q1", org_id, "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),),
        objectives=(
            Objective("o-grow", org_id, "c-q1", "Grow revenue", team_id="t-root"),
            Objective("o-ship", org_id, "c-q1", "Ship faster", team_id="t-eng",
                      owner_id="p-ana", key_results=(
                          KeyResult("kr-deploys", org_id, "o-ship", "Deploys per week 2 to 10",
                                    baseline=2, target=10, owner_id="p-ana",
                                    check_ins=(CheckIn("kr-deploys", at, 4, 0.6, "ok"),)),
                          KeyResult("kr-lead", org_id, "o-ship", "Lead time 5.0 to 2.5 days",
                                    baseline=5.0, target=2.5, unit="days"),
                      )),
        ),
    )
