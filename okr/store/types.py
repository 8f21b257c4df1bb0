"""Column types that keep values exactly as the domain wrote them.

Numbers are stored as their JSON literal (`42` and `42.0` stay distinct) so a
quarter file imported and exported again is byte-for-byte the same; instants
are stored as naive UTC and handed back timezone-aware, so SQLite and
PostgreSQL return the same values.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, String
from sqlalchemy.types import TypeDecorator

Number = int | float


class ExactNumber(TypeDecorator[Number]):
    """An int or float kept in its literal form (cast in SQL to aggregate)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"expected a number, got {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"numbers must be finite, got {value!r}")
        return json.dumps(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Number | None:
        if value is None:
            return None
        parsed = json.loads(value)
        assert isinstance(parsed, int | float)
        return parsed


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time: naive datetimes are taken as UTC, results are UTC-aware."""

    impl = DateTime()
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value
        naive: datetime = value.astimezone(UTC).replace(tzinfo=None)
        return naive

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        parsed: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        return parsed.replace(tzinfo=UTC)
