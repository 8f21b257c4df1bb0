"""The one canonical place where progress, scores, status and pace are computed.

Everything that shows a score (the tree, health, risk, reviews) calls these
functions, so a number means the same thing everywhere. Scalar functions serve
single key results; the `*_array` functions do the same arithmetic over numpy
arrays for whole organisations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import numpy.typing as npt

from okr.models import CheckIn, Direction, KeyResult, KRKind, Status

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: A key result or objective scoring at least this much counts as a success.
SUCCESS_THRESHOLD = 0.7

#: A key result with no check-in for this many days or more is stale.
STALE_AFTER_DAYS = 14


def progress(
    value: float | None,
    baseline: float | None,
    target: float | None,
    *,
    kind: KRKind = KRKind.METRIC,
    direction: Direction = Direction.INCREASE,
) -> float:
    """Share of the way from baseline to target, clipped to 0..1.

    `(value - baseline) / (target - baseline)` serves both directions, so a
    regression never counts as progress and overshooting counts as 1.0. A
    milestone scores 1 once done (value >= 1, or at its target when one is
    set) and 0 before. When baseline equals target the key result is a
    "hold the line" goal: 1.0 while the value is at or better than the
    target in its direction, else 0. Missing numbers score 0.
    """
    if value is None:
        return 0.0
    if kind is KRKind.MILESTONE:
        done_at = target if target is not None and target > 0 else 1.0
        return 1.0 if value >= done_at else 0.0
    if baseline is None or target is None:
        return 0.0
    span = target - baseline
    if span == 0:
        better_or_equal = value >= target if direction is Direction.INCREASE else value <= target
        return 1.0 if better_or_equal else 0.0
    return float(min(1.0, max(0.0, (value - baseline) / span)))


def latest_check_in(check_ins: Sequence[CheckIn], as_of: date | None = None) -> CheckIn | None:
    """The last check-in on or before `as_of` (all of them when `as_of` is None)."""
    eligible = [c for c in check_ins if as_of is None or c.at.date() <= as_of]
    return max(eligible, key=lambda c: c.at) if eligible else None


def current_value(kr: KeyResult, as_of: date | None = None) -> float | None:
    """The value a key result stands at: its last check-in, else its `current` field."""
    last = latest_check_in(kr.check_ins, as_of)
    if last is not None:
        return last.value
    return kr.current if as_of is None else None


def kr_score(kr: KeyResult, as_of: date | None = None) -> float:
    """Score 0..1.0 of a key result: its progress at the last check-in."""
    return progress(current_value(kr, as_of), kr.baseline, kr.target,
                    kind=kr.kind, direction=kr.direction)


def weighted_mean(scores: Sequence[float], weights: Sequence[float | None] | None = None) -> float:
    """Mean of scores weighted by `weights`; a missing weight counts as 1.

    An empty list scores 0; weights that sum to zero fall back to the plain mean.
    """
    if not scores:
        return 0.0
    w = [1.0 if x is None else float(x) for x in (weights or [None] * len(scores))]
    if len(w) != len(scores):
        raise ValueError("scores and weights differ in length")
    if any(x < 0 for x in w):
        raise ValueError("weights must not be negative")
    total = sum(w)
    if total == 0:
        return sum(scores) / len(scores)
    return sum(s * (x / total) for s, x in zip(scores, w, strict=True))


def objective_score(key_results: Sequence[KeyResult], as_of: date | None = None) -> float:
    """Weighted mean of the objective's key result scores."""
    return weighted_mean([kr_score(kr, as_of) for kr in key_results],
                         [kr.weight for kr in key_results])


def rollup(
    own: Mapping[str, float | None], children: Mapping[str, Sequence[str]]
) -> dict[str, float]:
    """Roll scores up an alignment tree.

    `own` holds each node's own score (None when it has no key results);
    `children` maps a node to the nodes aligned to it. A node's rolled-up
    score is the plain mean of its own score (when it has one) and the
    rolled-up scores of its children. Nodes with neither score 0. A node met
    again on its own path (a cycle in the links) is not counted twice.
    """
    memo: dict[str, float] = {}

    def visit(node: str, path: frozenset[str]) -> float:
        if node in memo:
            return memo[node]
        parts: list[float] = []
        mine = own.get(node)
        if mine is not None:
            parts.append(mine)
        for child in children.get(node, ()):
            if child not in path:
                parts.append(visit(child, path | {child}))
        result = sum(parts) / len(parts) if parts else 0.0
        memo[node] = result
        return result

    nodes = set(own) | set(children)
    return {node: visit(node, frozenset({node})) for node in sorted(nodes)}


def status_for(score: float) -> Status:
    """Status band of a graded score, read at one decimal as OKR grades are.

    0.0-0.3 off track, 0.4-0.6 at risk, 0.7-1.0 on track.
    """
    graded = round(score + 1e-9, 1)
    if graded >= SUCCESS_THRESHOLD:
        return Status.ON_TRACK
    if graded >= 0.4:
        return Status.AT_RISK
    return Status.OFF_TRACK


def expected_progress(start: date, end: date, as_of: date) -> float:
    """Share of the cycle elapsed at `as_of`: the progress a linear plan expects."""
    total = (end - start).days
    if total <= 0:
        return 1.0 if as_of >= end else 0.0
    return float(min(1.0, max(0.0, (as_of - start).days / total)))


def pace_ratio(score: float, expected: float) -> float:
    """Progress relative to the linear plan; 1.0 is exactly on pace."""
    if expected <= 0:
        return 1.0
    return score / expected


# ---- vectorised forms -------------------------------------------------------


def progress_array(
    values: FloatArray,
    baselines: FloatArray,
    targets: FloatArray,
    *,
    milestone: BoolArray,
    decrease: BoolArray,
) -> FloatArray:
    """`progress` over arrays; NaN values, baselines or targets score 0."""
    span = targets - baselines
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.clip((values - baselines) / span, 0.0, 1.0)
    hold = np.where(decrease, values <= targets, values >= targets)
    result = np.where(span == 0, hold.astype(np.float64), ratio)
    done_at = np.where(np.isfinite(targets) & (targets > 0), targets, 1.0)
    result = np.where(milestone, (values >= done_at).astype(np.float64), result)
    missing = np.isnan(values) | (~milestone & (np.isnan(baselines) | np.isnan(targets)))
    return np.where(missing, 0.0, np.nan_to_num(result, nan=0.0))


def grouped_weighted_mean(
    scores: FloatArray, weights: FloatArray, groups: npt.NDArray[np.int64], n_groups: int
) -> FloatArray:
    """Weighted mean of `scores` per group index (e.g. KR scores per objective).

    Groups whose weights sum to zero fall back to the plain mean; empty groups score 0.
    """
    w = np.where(np.isnan(weights), 1.0, weights)
    total_w = np.bincount(groups, weights=w, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.nan_to_num(w / total_w[groups], nan=0.0)
    weighted = np.bincount(groups, weights=scores * share, minlength=n_groups)
    plain = np.bincount(groups, weights=scores, minlength=n_groups)
    counts = np.bincount(groups, minlength=n_groups).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(total_w > 0, weighted, plain / counts)
    return np.nan_to_num(mean, nan=0.0)
