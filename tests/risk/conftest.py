"""Builders of small quarter files for the risk tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from okr.quarter import QuarterFile

START = date(2026, 4, 1)
END = date(2026, 6, 30)
MID = date(2026, 5, 16)

QuarterFactory = Callable[..., QuarterFile]


def kr(kr_id: str, check_ins: list[tuple[int, float, float | None, str]] | None = None, *,
       kind: str = "metric", direction: str = "increase", baseline: float = 0,
       target: float = 100, depends_on: list[str] | None = None,
       objective: str = "o-1") -> dict[str, Any]:
    """A key result; check-ins are (day from cycle start, value, confidence, note)."""
    return {
        "id": kr_id, "objective": objective, "owner": "p-1", "text": f"KR {kr_id}",
        "kind": kind, "direction": direction, "baseline": baseline, "target": target,
        "unit": None, "depends_on": depends_on or [],
        "check_ins": [
            {"date": (START + timedelta(days=d)).isoformat(), "value": v,
             **({"confidence": c} if c is not None else {}), "note": note}
            for d, v, c, note in (check_ins or [])],
    }


@pytest.fixture
def make_kr() -> Callable[..., dict[str, Any]]:
    return kr


@pytest.fixture
def make_quarter() -> QuarterFactory:
    def build(*krs: dict[str, Any], as_of: date = MID) -> QuarterFile:
        return QuarterFile.model_validate({
            "cycle": {"name": "2026-Q2", "start": START.isoformat(), "end": END.isoformat()},
            "as_of": as_of.isoformat(),
            "teams": [{"id": "t-a", "name": "A", "parent": None},
                      {"id": "t-b", "name": "B", "parent": "t-a"}],
            "objectives": [{"id": "o-1", "team": "t-a", "title": "A's", "parent": None},
                           {"id": "o-2", "team": "t-b", "title": "B's", "parent": None}],
            "key_results": list(krs),
        })
    return build
