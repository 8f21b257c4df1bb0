"""Risk radar: which key results will miss, how likely, and why.

For every key result of a quarter at `as_of` the signals of
`okr.risk_features` (pace, trend forecast, stalls, regressions, staleness,
confidence, blockers) go through a small logistic model fitted on simulated
quarters (`evals/fit_risk.py` writes `okr/risk_model.json`). Dependencies
then cascade: a key result inherits the worst own risk found anywhere up its
chain of `depends_on` (across teams, cycles terminate), and a second model
adds that inherited risk. The result per key result is `p_miss` (calibrated
probability that the final score ends below 0.7), a forecast of the final
score, a status, reason codes of docs/spec/risk.md and one plain sentence.

Status bands on p_miss (chosen so that a calibrated p_miss gives the most
correct calls, "will it miss or not", at 0.5): on_track below 0.5, at_risk
from 0.5, off_track from 0.8.

Two paths give the same figures: `assess_quarter` scans arrays (whole
organisations), `assess_quarter_loop` reads one key result at a time.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr, ndtri

from okr.quarter import QuarterFile
from okr.risk_features import (
    FALLING_CONFIDENCE,
    LOW_CONFIDENCE,
    SIGNAL_NAMES,
    STALL_POINTS,
    CheckInArrays,
    KRSignals,
    kr_signals,
    signals_array,
)
from okr.scoring import SUCCESS_THRESHOLD, pace_ratio

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

AT_RISK_P = 0.5
OFF_TRACK_P = 0.8
#: Pace below this share of the linear plan is "behind pace" (the spec's naive rule).
BEHIND_PACE_RATIO = 0.7
#: A milestone still open after this share of the cycle is behind pace.
MILESTONE_LATE = 0.6
#: Confidence assumed when an owner never gave one (centre of the model's input).
CONFIDENCE_CENTRE = 0.6
#: Rows per block in the array scan; bounds memory at any organisation size.
BLOCK = 16384

REASONS: tuple[str, ...] = (
    "behind_pace", "stalled", "regressing", "stale", "low_confidence",
    "falling_confidence", "blocker_reported", "dependency_at_risk",
)
STATUSES: tuple[str, ...] = ("on_track", "at_risk", "off_track")

METRIC_INPUTS: tuple[str, ...] = (
    "progress", "pace_gap", "trend_p_miss", "elapsed", "stalled", "regressing", "stale",
    "no_check_ins", "confidence_c", "confidence_missing", "confidence_drop", "blocker",
    "confidence_over", "confidence_under",
)
MILESTONE_INPUTS: tuple[str, ...] = (
    "progress", "elapsed", "stale", "no_check_ins", "confidence_c", "confidence_missing",
    "confidence_drop", "blocker",
)
DEPENDENCY_INPUT = "dependency_risk"


# ---- the model ----------------------------------------------------------------


@dataclass(frozen=True)
class Logistic:
    """One fitted logistic regression: named inputs, coefficients, intercept."""

    inputs: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float

    def predict(self, columns: Mapping[str, FloatArray]) -> FloatArray:
        z = np.full(len(next(iter(columns.values()))), self.intercept)
        for name, c in zip(self.inputs, self.coef, strict=True):
            z = z + c * columns[name]
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        return {"inputs": list(self.inputs), "coef": list(self.coef), "intercept": self.intercept}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Logistic:
        return cls(tuple(data["inputs"]), tuple(float(c) for c in data["coef"]),
                   float(data["intercept"]))


@dataclass(frozen=True)
class RiskModel:
    """The four small models: own risk and risk with dependencies, per kind."""

    metric_own: Logistic
    metric_full: Logistic
    milestone_own: Logistic
    milestone_full: Logistic
    meta: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"meta": dict(self.meta), "models": {
            "metric_own": self.metric_own.to_json(), "metric_full": self.metric_full.to_json(),
            "milestone_own": self.milestone_own.to_json(),
            "milestone_full": self.milestone_full.to_json()}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RiskModel:
        m = data["models"]
        return cls(Logistic.from_json(m["metric_own"]), Logistic.from_json(m["metric_full"]),
                   Logistic.from_json(m["milestone_own"]),
                   Logistic.from_json(m["milestone_full"]), meta=data.get("meta", {}))


@lru_cache(maxsize=1)
def default_model() -> RiskModel:
    """The coefficients shipped with the package (fitted by evals/fit_risk.py)."""
    text = resources.files("okr").joinpath("risk_model.json").read_text(encoding="utf-8")
    return RiskModel.from_json(json.loads(text))


def model_columns(sig: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """The model's inputs, derived from the signals (same for fitting and scoring).

    Owners' confidence is often uninformative or misleading (over-confident
    owners who stay green until the end, sandbaggers who stay low while
    ahead), so besides its level the model sees how far it sits above
    (`confidence_over`) or below (`confidence_under`) the probability of
    hitting that the trend alone implies; the fit decides how much a
    disagreement with the evidence is worth.
    """
    conf = sig["confidence"]
    missing = np.isnan(conf)
    cols = {name: np.asarray(sig[name], dtype=np.float64) for name in SIGNAL_NAMES}
    cols["no_check_ins"] = (sig["n_check_ins"] == 0).astype(np.float64)
    cols["confidence_missing"] = missing.astype(np.float64)
    cols["confidence_c"] = np.where(missing, 0.0, conf - CONFIDENCE_CENTRE)
    gap = np.where(missing, 0.0, conf - (1.0 - sig["trend_p_miss"]))
    cols["confidence_over"] = np.maximum(gap, 0.0)
    cols["confidence_under"] = np.maximum(-gap, 0.0)
    return cols


def own_risk(cols: Mapping[str, FloatArray], model: RiskModel) -> FloatArray:
    """p_miss from the key result's own signals, before dependencies."""
    milestone = cols["milestone"] > 0.5
    return np.where(milestone, model.milestone_own.predict(cols), model.metric_own.predict(cols))


def full_risk(cols: Mapping[str, FloatArray], dep: FloatArray, model: RiskModel) -> FloatArray:
    """p_miss including the risk inherited from upstream key results."""
    with_dep = {**cols, DEPENDENCY_INPUT: dep}
    milestone = cols["milestone"] > 0.5
    return np.where(milestone, model.milestone_full.predict(with_dep),
                    model.metric_full.predict(with_dep))


# ---- dependency cascade -------------------------------------------------------


def cascade_array(own: FloatArray, down: IntArray, up: IntArray) -> FloatArray:
    """Worst own risk anywhere upstream of each row (0 where none).

    Edges say row `down[k]` depends on row `up[k]`. Max-propagation repeats
    until nothing changes; values only rise and come from a finite set, so it
    ends after at most the longest chain, cycles included.
    """
    inherited = np.zeros_like(own)
    if len(down) == 0:
        return inherited
    for _ in range(len(own) + 1):
        candidate = np.maximum(own[up], inherited[up])
        updated = inherited.copy()
        np.maximum.at(updated, down, candidate)
        if np.array_equal(updated, inherited):
            break
        inherited = updated
    return inherited


def upstream_worst(kr_id: str, depends_on: Mapping[str, Sequence[str]],
                   own: Mapping[str, float]) -> tuple[float, str | None]:
    """Worst own risk up the dependency chain of one key result, and whose it is.

    A walk over every key result reachable through `depends_on`, each visited
    once, so cycles end; the key result itself counts only when a cycle
    leads back to it.
    """
    worst, culprit = 0.0, None
    seen: set[str] = set()
    stack = list(depends_on.get(kr_id, ()))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        risk = own.get(node, 0.0)
        if risk > worst or (risk == worst and culprit is not None and node < culprit):
            worst, culprit = risk, node
        stack.extend(depends_on.get(node, ()))
    return worst, culprit


# ---- results ------------------------------------------------------------------


@dataclass(frozen=True)
class KRRisk:
    """The radar's reading of one key result, with the figures behind it."""

    id: str
    status: str
    p_miss: float
    forecast: float
    reasons: tuple[str, ...]
    explanation: str
    signals: KRSignals
    own_p_miss: float
    dependency_risk: float
    dependency_culprit: str | None

    def to_contract(self) -> dict[str, Any]:
        """The per-key-result object of `okr risk FILE --json`."""
        return {"id": self.id, "status": self.status, "p_miss": round(self.p_miss, 4),
                "forecast": round(self.forecast, 4), "reasons": list(self.reasons),
                "explanation": self.explanation}


@dataclass(frozen=True)
class RiskReport:
    as_of: date
    key_results: tuple[KRRisk, ...]

    def to_contract(self) -> dict[str, Any]:
        """The JSON object of docs/spec/risk.md, key results in file order."""
        return {"as_of": self.as_of.isoformat(),
                "key_results": [k.to_contract() for k in self.key_results]}


def status_of(p_miss: float) -> str:
    """Status band of a p_miss (see the module docstring)."""
    if p_miss >= OFF_TRACK_P:
        return "off_track"
    if p_miss >= AT_RISK_P:
        return "at_risk"
    return "on_track"


def expected_final(p_miss: FloatArray, trend_sd: FloatArray,
                   milestone: FloatArray) -> FloatArray:
    """Expected final score consistent with p_miss.

    A metric's final position is taken as normal with the trend's spread,
    centred where it has probability p_miss of ending below 0.7; the score is
    that position clipped to 0..1, so its mean has a closed form. A
    milestone ends at 0 or 1, so its expected score is 1 - p_miss.
    """
    p = np.clip(p_miss, 1e-4, 1 - 1e-4)
    sd = np.clip(trend_sd, 0.05, 0.5)
    mu = SUCCESS_THRESHOLD - sd * ndtri(p)
    a, b = (0.0 - mu) / sd, (1.0 - mu) / sd
    pdf_a, pdf_b = np.exp(-a * a / 2) / math.sqrt(2 * math.pi), np.exp(-b * b / 2) / math.sqrt(
        2 * math.pi)
    mean = mu * (ndtr(b) - ndtr(a)) + sd * (pdf_a - pdf_b) + (1.0 - ndtr(b))
    return np.asarray(np.where(milestone > 0.5, 1.0 - p_miss, np.clip(mean, 0.0, 1.0)),
                      dtype=np.float64)


def reasons_for(s: KRSignals, dependency_risk: float) -> tuple[str, ...]:
    """Reason codes that hold for a key result, in the spec's order."""
    milestone = s.milestone > 0.5
    if milestone:
        behind = s.progress < 1.0 and s.elapsed >= MILESTONE_LATE
    else:
        behind = s.progress < 1.0 and pace_ratio(s.progress, s.elapsed) < BEHIND_PACE_RATIO
    flags = {
        "behind_pace": behind,
        "stalled": s.stalled > 0.5,
        "regressing": s.regressing > 0.5,
        "stale": s.stale > 0.5,
        "low_confidence": not math.isnan(s.confidence) and s.confidence < LOW_CONFIDENCE,
        "falling_confidence": s.confidence_drop >= FALLING_CONFIDENCE - 1e-9,
        "blocker_reported": s.blocker > 0.5,
        "dependency_at_risk": dependency_risk >= AT_RISK_P,
    }
    return tuple(r for r in REASONS if flags[r])


def explain(kr_id: str, s: KRSignals, p_miss: float, forecast: float,
            reasons: Sequence[str], culprit: str | None, dependency_risk: float) -> str:
    """One plain sentence with the figures behind the reading."""
    elapsed = f"{s.elapsed:.0%} of the cycle gone"
    if s.milestone > 0.5:
        state = "done" if s.progress >= 1.0 else "not done"
        lead = f"Milestone {kr_id} is {state} with {elapsed}"
    else:
        lead = f"{kr_id} is {s.progress:.0%} of the way to target with {elapsed}"
    parts: list[str] = []
    for r in reasons:
        if r == "behind_pace":
            parts.append("behind pace" if s.milestone > 0.5 else
                         f"behind pace ({pace_ratio(s.progress, s.elapsed):.2f} of plan)")
        elif r == "stalled":
            parts.append(f"no movement over the last {STALL_POINTS} check-ins")
        elif r == "regressing":
            parts.append(f"moving away from target ({s.recent_move:+.2f} of the range lately)")
        elif r == "stale":
            parts.append("no check-in yet" if s.n_check_ins == 0
                         else f"no check-in for {s.days_since:.0f} days")
        elif r == "low_confidence":
            parts.append(f"owner confidence {s.confidence:.2f}")
        elif r == "falling_confidence":
            parts.append(f"confidence down {s.confidence_drop:.2f}")
        elif r == "blocker_reported":
            parts.append("a note names a blocker")
        elif r == "dependency_at_risk" and culprit == kr_id:
            parts.append(f"its dependencies lead back to it in a cycle (p_miss "
                         f"{dependency_risk:.2f} comes round again)")
        elif r == "dependency_at_risk":
            parts.append(f"depends on {culprit} (p_miss {dependency_risk:.2f})")
    tail = f"; {', '.join(parts)}" if parts else ""
    return (f"{lead}: forecast {forecast:.2f}, {p_miss:.0%} chance of ending below "
            f"{SUCCESS_THRESHOLD}{tail}.")


def _finish(kr_id: str, s: KRSignals, own: float, dep: float, culprit: str | None,
            p: float) -> KRRisk:
    forecast = float(expected_final(np.array([p]), np.array([s.trend_sd]),
                                    np.array([s.milestone]))[0])
    reasons = reasons_for(s, dep)
    return KRRisk(id=kr_id, status=status_of(p), p_miss=p, forecast=forecast, reasons=reasons,
                  explanation=explain(kr_id, s, p, forecast, reasons, culprit, dep),
                  signals=s, own_p_miss=own, dependency_risk=dep, dependency_culprit=culprit)


# ---- the two paths --------------------------------------------------------------


@dataclass(frozen=True)
class ScanArrays:
    """Numbers of an array scan, one entry per row."""

    signals: dict[str, FloatArray]
    own_p_miss: FloatArray
    dependency_risk: FloatArray
    p_miss: FloatArray
    forecast: FloatArray


def scan_arrays(arrays: CheckInArrays, down: IntArray, up: IntArray,
                model: RiskModel | None = None) -> ScanArrays:
    """Score every row: signals in blocks, own risk, cascade, full risk, forecast."""
    model = model or default_model()
    n = len(arrays.ids)
    blocks = [signals_array(arrays.take(slice(s, s + BLOCK))) for s in range(0, n, BLOCK)]
    sig = ({k: np.concatenate([b[k] for b in blocks]) for k in SIGNAL_NAMES} if blocks
           else {k: np.zeros(0) for k in SIGNAL_NAMES})
    cols = model_columns(sig)
    own = own_risk(cols, model)
    dep = cascade_array(own, down, up)
    p = full_risk(cols, dep, model)
    forecast = expected_final(p, sig["trend_sd"], sig["milestone"])
    return ScanArrays(signals=sig, own_p_miss=own, dependency_risk=dep, p_miss=p,
                      forecast=forecast)


def dependency_edges(ids: Sequence[str],
                     depends_on: Mapping[str, Sequence[str]]) -> tuple[IntArray, IntArray]:
    """Row-index edge lists (down, up) of a dependency mapping."""
    index = {k: i for i, k in enumerate(ids)}
    pairs = [(index[d], index[u]) for d, ups in depends_on.items() if d in index
             for u in ups if u in index]
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    arr = np.array(pairs, dtype=np.int64)
    return arr[:, 0], arr[:, 1]


def assess_quarter(quarter: QuarterFile, model: RiskModel | None = None) -> RiskReport:
    """The radar over a quarter file, by the array scan (the path the CLI uses)."""
    arrays = CheckInArrays.from_quarter(quarter)
    depends_on = {kr.id: list(kr.depends_on) for kr in quarter.key_results}
    down, up = dependency_edges(arrays.ids, depends_on)
    scan = scan_arrays(arrays, down, up, model)
    own_list: list[float] = scan.own_p_miss.tolist()
    own_map = dict(zip(arrays.ids, own_list, strict=True))
    rows = zip(*(scan.signals[name].tolist() for name in SIGNAL_NAMES), strict=True)
    results = []
    for kr_id, row, dep, p, forecast in zip(
            arrays.ids, rows, scan.dependency_risk.tolist(), scan.p_miss.tolist(),
            scan.forecast.tolist(), strict=True):
        s = KRSignals(*row)
        culprit = upstream_worst(kr_id, depends_on, own_map)[1] if dep > 0 else None
        reasons = reasons_for(s, dep)
        results.append(KRRisk(
            id=kr_id, status=status_of(p), p_miss=p, forecast=forecast, reasons=reasons,
            explanation=explain(kr_id, s, p, forecast, reasons, culprit, dep), signals=s,
            own_p_miss=own_map[kr_id], dependency_risk=dep, dependency_culprit=culprit))
    return RiskReport(as_of=quarter.as_of, key_results=tuple(results))


def assess_quarter_loop(quarter: QuarterFile, model: RiskModel | None = None) -> RiskReport:
    """The same radar one key result at a time (reference path and benchmark baseline)."""
    model = model or default_model()
    start, end, as_of = quarter.cycle.start, quarter.cycle.end, quarter.as_of
    signals = {kr.id: kr_signals(kr, start, end, as_of) for kr in quarter.key_results}
    cols = {kr_id: model_columns({k: np.array([getattr(s, k)]) for k in SIGNAL_NAMES})
            for kr_id, s in signals.items()}
    own = {kr_id: float(own_risk(c, model)[0]) for kr_id, c in cols.items()}
    depends_on = {kr.id: list(kr.depends_on) for kr in quarter.key_results}
    results = []
    for kr in quarter.key_results:
        dep, culprit = upstream_worst(kr.id, depends_on, own)
        p = float(full_risk(cols[kr.id], np.array([dep]), model)[0])
        results.append(_finish(kr.id, signals[kr.id], own[kr.id], dep, culprit, p))
    return RiskReport(as_of=as_of, key_results=tuple(results))
