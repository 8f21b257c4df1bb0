"""Helpers to build critic inputs tersely."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from okr.quality import OKRInput


def make_okr(objective: str = "Get new customers to value in their first week",
             krs: list[str | dict[str, Any]] | None = None, *, function: str = "product",
             team: str = "Onboarding", cycle: str = "2026-Q1", id: str = "t-1") -> OKRInput:
    """An OKR whose parts default to a clean one, so a test changes only what it checks."""
    if krs is None:
        krs = ["Activation rate from 27% to 40%", "Week-4 retention: 45% → 55%"]
    key_results = [k if isinstance(k, dict) else {"text": k} for k in krs]
    return OKRInput.model_validate({"id": id, "team": {"name": team, "function": function},
                                    "cycle": cycle, "objective": objective,
                                    "key_results": key_results})


@pytest.fixture
def okr_factory() -> Callable[..., OKRInput]:
    return make_okr
