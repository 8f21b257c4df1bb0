"""Fixtures: a fresh store per test, on SQLite always and on PostgreSQL when reachable.

PostgreSQL comes from OKR_TEST_POSTGRES_URL (default: the local test server).
Each test gets its own schema, dropped afterwards, so runs never collide. An
unreachable server skips the PostgreSQL half, unless OKR_REQUIRE_POSTGRES is
set (as CI does), where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

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

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _pg_base() -> URL | None:
    """The server URL when reachable (creating its database if missing), else None."""
    url = make_url(os.environ.get("OKR_TEST_POSTGRES_URL", DEFAULT_PG))
    args = {"connect_timeout": 3}
    try:
        engine = create_engine(url, connect_args=args)
        with engine.connect():
            pass
        engine.dispose()
        return url
    except Exception as first:
        try:
            admin = create_engine(url.set(database="postgres"), connect_args=args,
                                  isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            admin.dispose()
            return url
        except Exception:
            if os.environ.get("OKR_REQUIRE_POSTGRES"):
                pytest.fail(f"PostgreSQL required but unreachable at "
                            f"{url.render_as_string(hide_password=True)}: {first}")
            return None


@pytest.fixture(scope="session")
def pg_base() -> URL | None:
    return _pg_base()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    base: URL | None = request.getfixturevalue("pg_base")
    if base is None:
        pytest.skip("PostgreSQL is not reachable (set OKR_REQUIRE_POSTGRES=1 to fail instead)")
    schema = f"qd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
