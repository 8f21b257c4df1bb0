"""Where LangGraph keeps graph checkpoints: SQLite by default, PostgreSQL when the store is.

Checkpoints make a run resumable: a graph paused at a human-approval
`interrupt()` is continued later, by any process, with
`graph.invoke(Command(resume=...), run_config(thread_id), context=ctx)`.
The backend follows the store: `langgraph-checkpoint-postgres` when
`settings.store_url` is PostgreSQL (so API workers on several machines share
threads), else `langgraph-checkpoint-sqlite` in a file under the data folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver

from okr.settings import Settings

__all__ = ["checkpoint_path", "open_checkpointer", "postgres_conninfo"]

_PG_URL = re.compile(r"^postgres(?:ql)?(?:\+[a-z0-9_]+)?://", re.IGNORECASE)


def postgres_conninfo(url: str) -> str | None:
    """The libpq URL for a PostgreSQL store URL (driver suffix dropped); None otherwise."""
    if not _PG_URL.match(url):
        return None
    return _PG_URL.sub("postgresql://", url, count=1)


def checkpoint_path(settings: Settings) -> Path:
    """The SQLite checkpoint file used when the store is not on PostgreSQL."""
    return settings.data_dir / "checkpoints.sqlite3"


@contextmanager
def open_checkpointer(settings: Settings) -> Iterator[BaseCheckpointSaver[str]]:
    """A ready checkpointer for the configured backend, closed on exit."""
    conninfo = postgres_conninfo(settings.store_url)
    if conninfo is not None:
        from langgraph.checkpoint.postgres import PostgresSaver

        with PostgresSaver.from_conn_string(conninfo) as pg_saver:
            pg_saver.setup()
            yield pg_saver
        return
    from langgraph.checkpoint.sqlite import SqliteSaver

    path = checkpoint_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with SqliteSaver.from_conn_string(str(path)) as sqlite_saver:
        yield sqlite_saver
