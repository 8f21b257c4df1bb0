"""The array scan and the per-key-result loop give the same readings."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from evals.simulate_quarters import simulate_quarter
from okr.quarter import QuarterFile, load_quarter
from okr.risk import assess_quarter, assess_quarter_loop

DEV = Path(__file__).resolve().parents[2] / "evals" / "data" / "risk-dev"


def _same(q: QuarterFile) -> None:
    fast, slow = assess_quarter(q), assess_quarter_loop(q)
    for a, b in zip(fast.key_results, slow.key_results, strict=True):
        assert a.id == b.id
        assert math.isclose(a.p_miss, b.p_miss, abs_tol=1e-9)
        assert math.isclose(a.forecast, b.forecast, abs_tol=1e-9)
        assert (a.status, a.reasons, a.explanation) == (b.status, b.reasons, b.explanation)


@pytest.mark.parametrize("name", ["q01", "q04"])
def test_scan_and_loop_agree_on_dev_quarters(name: str) -> None:
    _same(load_quarter(DEV / f"{name}.json"))


def test_scan_and_loop_agree_on_a_simulated_quarter() -> None:
    q, _ = simulate_quarter(np.random.default_rng(3), n_krs=80)
    _same(q)
