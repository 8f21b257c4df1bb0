"""Fit the radar's logistic models on simulated quarters; write okr/risk_model.json.

    python -m evals.fit_risk [--quarters 300] [--seed 7]

Only simulated quarters (evals/simulate_quarters.py) are used: risk-dev is
kept for measuring. Two stages: own-risk models from each key result's own
signals, then models that add the risk inherited up the dependency chain
(computed with the stage-one models, exactly as the scan does).
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

from evals.simulate_quarters import simulate_quarter
from okr.risk import (
    DEPENDENCY_INPUT,
    METRIC_INPUTS,
    MILESTONE_INPUTS,
    Logistic,
    RiskModel,
    cascade_array,
    dependency_edges,
    model_columns,
    own_risk,
)
from okr.risk_features import CheckInArrays, signals_array

MODEL_PATH = Path(__file__).resolve().parent.parent / "okr" / "risk_model.json"


def simulated_set(n_quarters: int, seed: int) -> list[dict[str, Any]]:
    """Signals, dependency edges and outcomes of `n_quarters` simulated quarters."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_quarters):
        q, outcome = simulate_quarter(rng, year=2000 + i // 4, quarter_no=i % 4 + 1)
        arrays = CheckInArrays.from_quarter(q)
        down, up = dependency_edges(arrays.ids, {k.id: k.depends_on for k in q.key_results})
        sig = signals_array(arrays)
        missed = np.array([outcome[k]["missed"] for k in arrays.ids], dtype=float)
        out.append({"cols": model_columns(sig), "down": down, "up": up, "missed": missed})
    return out


def _fit(cols: dict[str, np.ndarray], y: np.ndarray, rows: np.ndarray,
         inputs: tuple[str, ...]) -> Logistic:
    x = np.column_stack([cols[name][rows] for name in inputs])
    lr = LogisticRegression(C=1.0, max_iter=2000).fit(x, y[rows])
    return Logistic(inputs, tuple(float(c) for c in lr.coef_[0]), float(lr.intercept_[0]))


def _stack(quarters: list[dict[str, Any]], key: str) -> np.ndarray:
    return np.concatenate([q[key] for q in quarters])


def fit(quarters: list[dict[str, Any]]) -> RiskModel:
    """Fit both stages on simulated quarters."""
    names = list(quarters[0]["cols"])
    cols = {n: np.concatenate([q["cols"][n] for q in quarters]) for n in names}
    y = _stack(quarters, "missed")
    ms = cols["milestone"] > 0.5
    metric_own = _fit(cols, y, ~ms, METRIC_INPUTS)
    milestone_own = _fit(cols, y, ms, MILESTONE_INPUTS)
    stage1 = RiskModel(metric_own, metric_own, milestone_own, milestone_own)
    deps = []
    for q in quarters:
        deps.append(cascade_array(own_risk(q["cols"], stage1), q["down"], q["up"]))
    cols[DEPENDENCY_INPUT] = np.concatenate(deps)
    metric_full = _fit(cols, y, ~ms, (*METRIC_INPUTS, DEPENDENCY_INPUT))
    milestone_full = _fit(cols, y, ms, (*MILESTONE_INPUTS, DEPENDENCY_INPUT))
    meta = {"fitted_by": "evals/fit_risk.py", "fitted_on": "simulated quarters",
            "key_results": len(y), "missed_share": round(float(y.mean()), 4),
            "fitted_at": datetime.now(UTC).strftime("%Y-%m-%d")}
    return RiskModel(metric_own, metric_full, milestone_own, milestone_full, meta=meta)


def score(model: RiskModel, quarters: list[dict[str, Any]]) -> tuple[float, float]:
    """Pooled (AUC, Brier) of a model on simulated quarters."""
    from okr.risk import full_risk

    ps, ys = [], []
    for q in quarters:
        own = own_risk(q["cols"], model)
        ps.append(full_risk(q["cols"], cascade_array(own, q["down"], q["up"]), model))
        ys.append(q["missed"])
    p, y = np.concatenate(ps), np.concatenate(ys)
    return float(roc_auc_score(y, p)), float(brier_score_loss(y, p))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarters", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args()
    train = simulated_set(args.quarters, args.seed)
    held_out = simulated_set(max(20, args.quarters // 5), args.seed + 1000)
    model = fit(train)
    auc, brier = score(model, held_out)
    meta = {**model.meta, "held_out_auc": round(auc, 4), "held_out_brier": round(brier, 4)}
    model = RiskModel(model.metric_own, model.metric_full, model.milestone_own,
                      model.milestone_full, meta=meta)
    args.out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"fitted on {meta['key_results']} simulated key results; "
          f"held-out AUC {auc:.3f}, Brier {brier:.3f}; wrote {args.out}")


if __name__ == "__main__":
    main()
