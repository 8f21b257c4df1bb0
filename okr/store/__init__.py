"""The OKR store (SQLAlchemy 2 + Alembic): SQLite by default, PostgreSQL by URL."""

from okr.store.store import KR_FIELDS, Store

__all__ = ["KR_FIELDS", "Store"]
