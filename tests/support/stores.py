"""Empty store databases of each backend, for any test folder's `store` fixtures.

Store-backed tests run on SQLite always and on PostgreSQL whenever a server
is reachable. PostgreSQL comes from OKR_TEST_POSTGRES_URL (default: the
local test server); each database handed out is a fresh schema, dropped
afterwards, so runs never collide. An unreachable server skips the
PostgreSQL half, unless OKR_REQUIRE_POSTGRES is set (as CI does), where it
fails.

A folder parametrizes its fixture with `BACKENDS` and opens the database
with `database_url(request.param, tmp_path)`:

    @pytest.fixture(params=BACKENDS)
    def store_url(request, tmp_path):
        with database_url(request.param, tmp_path) as url:
            yield url
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

__all__ = ["BACKENDS", "DEFAULT_PG", "database_url", "postgres_base"]

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

#: Parameters of a fixture that runs on every backend; the PostgreSQL half is marked.
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@functools.cache
def _reachable_base() -> URL | None:
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
                raise _Unreachable(f"PostgreSQL required but unreachable at "
                                   f"{url.render_as_string(hide_password=True)}: "
                                   f"{first}") from None
            return None


class _Unreachable(Exception):
    """PostgreSQL is required (OKR_REQUIRE_POSTGRES) but could not be reached."""


def postgres_base() -> URL | None:
    """The test server's URL when reachable (its database created if missing), else None.

    Fails the calling test when OKR_REQUIRE_POSTGRES is set and the server is
    unreachable. Probed once per run.
    """
    try:
        return _reachable_base()
    except _Unreachable as exc:
        pytest.fail(str(exc))


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of `backend` ("sqlite" or "postgres"), removed afterwards.

    Skips the test when PostgreSQL is wanted but unreachable (fails it under
    OKR_REQUIRE_POSTGRES).
    """
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    if backend != "postgres":
        raise ValueError(f"unknown backend {backend!r}")
    base = postgres_base()
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
