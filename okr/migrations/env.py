"""Alembic environment: runs on the connection `okr.store.migrate` hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from okr.store.schema import Base

config = context.config
connection = config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations through okr.store.migrate.upgrade(engine)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
