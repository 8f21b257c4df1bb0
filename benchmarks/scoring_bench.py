"""Benchmark: score and roll up 100,000 key results, vectorised vs a plain Python loop.

Prints figures; asserts nothing about speed. Both paths use `okr.scoring`:
the loop calls `kr_score`/`objective_score` on dataclasses, the vectorised
path `progress_array`/`grouped_weighted_mean` on numpy arrays built from the
same synthetic data, and the two results are checked to agree.

Run: .venv/bin/python benchmarks/scoring_bench.py [N_KRS]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import numpy as np

from okr.models import CheckIn, Direction, KeyResult, KRKind
from okr.scoring import grouped_weighted_mean, kr_score, objective_score, progress_array

KRS_PER_OBJECTIVE = 4
CHECK_INS_PER_KR = 6
T = TypeVar("T")


def synthetic(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Arrays describing `n` key results, each with CHECK_INS_PER_KR weekly values."""
    rng = np.random.default_rng(seed)
    baselines = rng.uniform(0, 100, n).round(1)
    decrease = rng.random(n) < 0.25
    milestone = rng.random(n) < 0.1
    span = rng.uniform(5, 50, n).round(1)
    targets = np.where(decrease, baselines - span, baselines + span)
    targets = np.where(milestone, 1.0, targets)
    baselines = np.where(milestone, 0.0, baselines)
    steps = rng.normal(0.12, 0.15, (n, CHECK_INS_PER_KR)).cumsum(axis=1)
    values = baselines[:, None] + steps * (targets - baselines)[:, None]
    values = np.where(milestone[:, None], (steps > 0.6).astype(np.float64), values.round(2))
    weights = np.where(rng.random(n) < 0.2, rng.choice([0.5, 2.0], n), np.nan)
    return {"baselines": baselines, "targets": targets, "values": values,
            "decrease": decrease, "milestone": milestone, "weights": weights,
            "groups": np.arange(n, dtype=np.int64) // KRS_PER_OBJECTIVE}


def as_dataclasses(data: dict[str, np.ndarray]) -> list[list[KeyResult]]:
    """The same key results as `KeyResult` dataclasses with check-ins, grouped by objective."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    objectives: list[list[KeyResult]] = []
    for i in range(len(data["baselines"])):
        kr_id = f"kr-{i}"
        check_ins = tuple(CheckIn(kr_id, start + timedelta(days=7 * w), float(v))
                          for w, v in enumerate(data["values"][i]))
        weight = None if np.isnan(data["weights"][i]) else float(data["weights"][i])
        kr = KeyResult(
            kr_id, "bench", f"o-{data['groups'][i]}", kr_id,
            kind=KRKind.MILESTONE if data["milestone"][i] else KRKind.METRIC,
            direction=Direction.DECREASE if data["decrease"][i] else Direction.INCREASE,
            baseline=float(data["baselines"][i]), target=float(data["targets"][i]),
            weight=weight, check_ins=check_ins)
        if i % KRS_PER_OBJECTIVE == 0:
            objectives.append([])
        objectives[-1].append(kr)
    return objectives


def loop(objectives: list[list[KeyResult]]) -> list[float]:
    """Objective scores the plain way; `objective_score` scores each KR on the way."""
    return [objective_score(krs) for krs in objectives]


def vectorised(data: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """KR and objective scores; check-ins are columns in date order, so latest is the last."""
    latest = data["values"][:, -1]
    scores = progress_array(latest, data["baselines"], data["targets"],
                            milestone=data["milestone"], decrease=data["decrease"])
    n_groups = int(data["groups"][-1]) + 1
    return scores, grouped_weighted_mean(scores, data["weights"], data["groups"], n_groups)


def best_of(runs: int, fn: Callable[[], T]) -> tuple[float, T]:
    """Fastest of `runs` calls, and the result."""
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        timings.append(time.perf_counter() - t0)
    return min(timings), result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    data = synthetic(n)
    t0 = time.perf_counter()
    objectives = as_dataclasses(data)
    build_s = time.perf_counter() - t0
    loop_s, loop_objs = best_of(3, lambda: loop(objectives))
    vec_s, (vec_krs, vec_objs) = best_of(5, lambda: vectorised(data))
    loop_krs = [kr_score(kr) for krs in objectives for kr in krs]
    assert np.allclose(vec_krs, loop_krs) and np.allclose(vec_objs, loop_objs)
    print(f"key results: {n:,} with {CHECK_INS_PER_KR} check-ins each "
          f"({n * CHECK_INS_PER_KR:,} check-ins), objectives: {len(objectives):,}")
    print(f"building dataclasses (not timed below): {build_s:.2f} s")
    print(f"python loop (objective_score over KeyResult dataclasses): {loop_s * 1000:10.1f} ms "
          "(best of 3)")
    print(f"vectorised (progress_array + grouped_weighted_mean): {vec_s * 1000:10.1f} ms "
          "(best of 5)")
    print(f"speed-up: {loop_s / vec_s:.0f}x; results agree")


if __name__ == "__main__":
    main()
