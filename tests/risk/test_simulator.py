"""Simulated quarters are valid quarter files with outcomes and varied behaviour."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evals.fit_risk import fit, holdout_set, simulated_set
from evals.simulate_quarters import simulate_quarter
from okr.quarter import dump_quarter, parse_quarter
from okr.risk import RiskModel


def test_simulated_quarter_round_trips_through_the_parser() -> None:
    q, _ = simulate_quarter(np.random.default_rng(1), n_krs=30)
    assert dump_quarter(parse_quarter(dump_quarter(q))) == dump_quarter(q)


def test_every_simulated_key_result_has_an_outcome() -> None:
    q, outcome = simulate_quarter(np.random.default_rng(2), n_krs=30)
    assert {k.id for k in q.key_results} == set(outcome)


def test_simulation_draws_varied_shapes_and_both_outcomes() -> None:
    _, outcome = simulate_quarter(np.random.default_rng(4), n_krs=120)
    shapes = {o["shape"] for o in outcome.values()}
    assert {"late_surge", "milestone", "plateau"} <= shapes
    assert {o["missed"] for o in outcome.values()} == {True, False}


def test_simulated_late_surges_sometimes_land_and_sometimes_miss() -> None:
    _, outcome = simulate_quarter(np.random.default_rng(6), n_krs=80, shape="late_surge")
    surges = [o for o in outcome.values() if o["shape"] == "late_surge"]
    assert {o["missed"] for o in surges} == {True, False}


def test_over_confident_owners_stay_high_on_key_results_that_miss() -> None:
    q, outcome = simulate_quarter(np.random.default_rng(8), n_krs=200, as_of_fraction=0.5)
    stated = [c.confidence for k in q.key_results for c in k.check_ins
              if outcome[k.id]["confidence_style"] == "over" and outcome[k.id]["missed"]
              and c.confidence is not None]
    assert stated and min(stated) >= 0.6


def test_fitting_never_uses_the_evaluation_seed_of_the_holdout_generator() -> None:
    with pytest.raises(ValueError):
        holdout_set(range(2026, 2028))


def test_same_seed_gives_the_same_quarter() -> None:
    a, _ = simulate_quarter(np.random.default_rng(5), n_krs=20)
    b, _ = simulate_quarter(np.random.default_rng(5), n_krs=20)
    assert dump_quarter(a) == dump_quarter(b)


def test_fitted_model_round_trips_through_json() -> None:
    model = fit(simulated_set(6, seed=11))
    again = RiskModel.from_json(json.loads(json.dumps(model.to_json())))
    assert again.metric_full == model.metric_full


def test_shipped_model_was_fitted_on_simulated_quarters() -> None:
    path = Path(__file__).resolve().parents[2] / "okr" / "risk_model.json"
    assert json.loads(path.read_text("utf-8"))["meta"]["fitted_on"] == "simulated quarters"
