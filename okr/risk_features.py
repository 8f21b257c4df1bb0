"""Risk signals of key results, computed two ways that must agree.

`kr_signals` reads one key result in plain Python (the straightforward path,
easy to audit); `signals_array` computes the same figures for a whole
organisation over padded check-in arrays with numpy (the scan path). Tests
check that the two agree. Progress always comes from `okr.scoring`.

A key result's check-ins are placed on the cycle's time axis (0 at the start,
1 at the end). Besides the canonical, clipped progress, the trend works on the
*position* `(value - baseline) / (target - baseline)` left unclipped (within
-1..2), so that a metric moving the wrong way below its baseline still shows
as moving away; it is an analytic coordinate, never shown as a score.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from okr.blockers import NoteSignal, classify_note
from okr.models import Direction, KRKind
from okr.quarter import QKeyResult, QuarterFile
from okr.scoring import STALE_AFTER_DAYS, expected_progress, progress, progress_array

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Only the most recent check-ins feed the signals (bounds the scan's memory).
MAX_POINTS = 12
#: Stalled: the last `STALL_POINTS` check-ins span at most `STALL_EPS` of the range.
STALL_POINTS = 3
STALL_EPS = 0.01
#: Regressing: net move over the last three check-ins at or below this (toward baseline).
REGRESS_DROP = -0.03
#: Confidence below this is low; a fall of at least `FALLING_CONFIDENCE` is falling.
LOW_CONFIDENCE = 0.5
FALLING_CONFIDENCE = 0.15
#: Check-ins that count as "recent" when looking for a confidence fall.
CONFIDENCE_WINDOW = 3
#: Shrinkage of the fitted slope toward the average pace: pseudo-points of prior.
SLOPE_PRIOR_POINTS = 2.0
#: Spread of future pace around any fitted slope (pace changes: surges, stalls).
SLOPE_PRIOR_SD = 0.3
POSITION_RANGE = (-1.0, 2.0)
SUCCESS = 0.7


@dataclass(frozen=True)
class KRSignals:
    """Intermediate figures of one key result at `as_of`, before any model."""

    milestone: float
    progress: float
    elapsed: float
    pace_gap: float
    n_check_ins: float
    days_since: float
    stale: float
    stalled: float
    regressing: float
    recent_move: float
    confidence: float
    confidence_drop: float
    blocker: float
    trend_mean: float
    trend_sd: float
    trend_p_miss: float


SIGNAL_NAMES: tuple[str, ...] = tuple(f.name for f in fields(KRSignals))


def _kind(kr: QKeyResult) -> KRKind:
    return KRKind(kr.kind)


def _position(value: float, kr: QKeyResult) -> float:
    span = float(kr.target) - float(kr.baseline)
    if kr.kind == "milestone" or span == 0:
        y = progress(value, kr.baseline, kr.target, kind=_kind(kr),
                     direction=Direction(kr.direction))
    else:
        y = (value - float(kr.baseline)) / span
    return min(POSITION_RANGE[1], max(POSITION_RANGE[0], y))


def _median_or_nan(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else math.nan


def kr_signals(kr: QKeyResult, start: date, end: date, as_of: date) -> KRSignals:
    """The signals of one key result, in plain Python (the reference path)."""
    total = max((end - start).days, 1)
    check_ins = sorted((c for c in kr.check_ins if c.date <= as_of), key=lambda c: c.date)
    check_ins = check_ins[-MAX_POINTS:]
    n = len(check_ins)
    milestone = kr.kind == "milestone"
    elapsed = expected_progress(start, end, as_of)
    ts = [(c.date - start).days / total for c in check_ins]
    ys = [_position(float(c.value), kr) for c in check_ins]
    p_now = (progress(float(check_ins[-1].value), kr.baseline, kr.target, kind=_kind(kr),
                      direction=Direction(kr.direction)) if n else 0.0)
    days_since = float((as_of - check_ins[-1].date).days if n else (as_of - start).days)
    stale = days_since >= STALE_AFTER_DAYS or n == 0

    stalled = (not milestone and n >= STALL_POINTS and p_now < 1.0
               and max(ys[-STALL_POINTS:]) - min(ys[-STALL_POINTS:]) <= STALL_EPS)
    recent_move = ys[-1] - ys[max(n - 3, 0)] if n >= 2 else 0.0
    regressing = n >= 2 and recent_move <= REGRESS_DROP

    confs = [float(c.confidence) for c in check_ins if c.confidence is not None]
    confidence = confs[-1] if confs else math.nan
    earlier = confs[-1 - CONFIDENCE_WINDOW:-1]
    conf_drop = max(0.0, max(earlier) - confs[-1]) if confs and earlier else 0.0

    last_signal = NoteSignal.NONE
    for c in check_ins:
        sig = classify_note(c.note)
        if sig is not NoteSignal.NONE:
            last_signal = sig
    blocker = last_signal is NoteSignal.BLOCKER

    mean, sd = _trend(ts, ys, elapsed)
    return KRSignals(
        milestone=float(milestone), progress=p_now, elapsed=elapsed,
        pace_gap=p_now - elapsed, n_check_ins=float(n), days_since=days_since,
        stale=float(stale), stalled=float(stalled), regressing=float(regressing),
        recent_move=recent_move, confidence=confidence, confidence_drop=conf_drop,
        blocker=float(blocker), trend_mean=mean, trend_sd=sd,
        trend_p_miss=float(ndtr((SUCCESS - mean) / sd)),
    )


def _trend(ts: list[float], ys: list[float], elapsed: float) -> tuple[float, float]:
    """Forecast of the final position and its spread, robust to sparse check-ins.

    The slope is a Theil-Sen median of pairwise slopes (one wild reading does
    not swing it), shrunk toward the average pace since the cycle started
    (baseline at the start) when there are few points. The spread grows with
    the scatter around the line, with fewer and closer-together points, and
    with the time left.
    """
    n = len(ts)
    if n == 0:
        t_last, y_last = 0.0, 0.0
    else:
        t_last, y_last = ts[-1], ys[-1]
    avg_rate = y_last / max(t_last, 0.05)
    slopes = [(ys[j] - ys[i]) / (ts[j] - ts[i])
              for i in range(n) for j in range(i + 1, n) if ts[j] > ts[i]]
    ts_slope = _median_or_nan(slopes)
    if math.isnan(ts_slope):
        slope, weight = avg_rate, 0.0
    else:
        weight = (n - 1) / (n - 1 + SLOPE_PRIOR_POINTS)
        slope = weight * ts_slope + (1 - weight) * avg_rate
    horizon = max(0.0, 1.0 - t_last) if n else max(0.0, 1.0 - elapsed)
    mean = min(POSITION_RANGE[1], max(POSITION_RANGE[0], y_last + slope * horizon))
    if n >= 3 and not math.isnan(ts_slope):
        intercept = statistics.median([y - ts_slope * t for t, y in zip(ts, ys, strict=True)])
        mad = statistics.median([abs(y - intercept - ts_slope * t)
                                 for t, y in zip(ts, ys, strict=True)])
        noise = max(0.02, 1.4826 * mad)
    else:
        noise = 0.1
    t_mean = sum(ts) / n if n else 0.0
    sxx = sum((t - t_mean) ** 2 for t in ts)
    slope_se = min(3.0, noise / math.sqrt(max(sxx, 0.002)))
    slope_sd = math.sqrt(SLOPE_PRIOR_SD ** 2 + slope_se ** 2)
    sd = math.sqrt(noise ** 2 + (slope_sd * horizon) ** 2)
    return mean, max(sd, 0.03)


# ---- the array path ----------------------------------------------------------


@dataclass
class CheckInArrays:
    """Check-ins of many key results as padded arrays (one row per key result).

    Columns hold the last `MAX_POINTS` check-ins in date order, left-aligned;
    padding is NaN (values, confidence) or 0 (days, notes). `days` count from
    the start of each row's cycle; `note` holds `NoteSignal` integers.
    """

    ids: list[str]
    values: FloatArray
    days: FloatArray
    confidence: FloatArray
    note: npt.NDArray[np.int8]
    count: IntArray
    baseline: FloatArray
    target: FloatArray
    milestone: BoolArray
    decrease: BoolArray
    cycle_days: FloatArray
    as_of_day: FloatArray

    @classmethod
    def from_quarter(cls, quarter: QuarterFile) -> CheckInArrays:
        """Lay out a quarter file's key results (one pass over its check-ins)."""
        krs = quarter.key_results
        n, m = len(krs), MAX_POINTS
        start, as_of = quarter.cycle.start, quarter.as_of
        values = np.full((n, m), np.nan)
        days = np.zeros((n, m))
        conf = np.full((n, m), np.nan)
        note = np.zeros((n, m), dtype=np.int8)
        count = np.zeros(n, dtype=np.int64)
        for i, kr in enumerate(krs):
            cis = sorted((c for c in kr.check_ins if c.date <= as_of), key=lambda c: c.date)
            cis = cis[-m:]
            count[i] = len(cis)
            for j, c in enumerate(cis):
                values[i, j] = float(c.value)
                days[i, j] = (c.date - start).days
                if c.confidence is not None:
                    conf[i, j] = c.confidence
                note[i, j] = int(classify_note(c.note))
        total = max((quarter.cycle.end - start).days, 1)
        return cls(
            ids=[kr.id for kr in krs], values=values, days=days, confidence=conf, note=note,
            count=count,
            baseline=np.array([float(kr.baseline) for kr in krs]),
            target=np.array([float(kr.target) for kr in krs]),
            milestone=np.array([kr.kind == "milestone" for kr in krs], dtype=bool),
            decrease=np.array([kr.direction == "decrease" for kr in krs], dtype=bool),
            cycle_days=np.full(n, float(total)),
            as_of_day=np.full(n, float((as_of - start).days)),
        )

    def take(self, rows: slice) -> CheckInArrays:
        """A block of rows (the scan works in blocks to bound memory)."""
        return CheckInArrays(
            ids=self.ids[rows], values=self.values[rows], days=self.days[rows],
            confidence=self.confidence[rows], note=self.note[rows], count=self.count[rows],
            baseline=self.baseline[rows], target=self.target[rows],
            milestone=self.milestone[rows], decrease=self.decrease[rows],
            cycle_days=self.cycle_days[rows], as_of_day=self.as_of_day[rows])


def _last_index(mask: BoolArray) -> IntArray:
    """Column of the last True per row (0 where none)."""
    m = mask.shape[1]
    idx = m - 1 - np.argmax(mask[:, ::-1], axis=1)
    return np.where(mask.any(axis=1), idx, 0).astype(np.int64)


def _pick(a: FloatArray, idx: IntArray) -> FloatArray:
    return np.take_along_axis(a, idx[:, None], axis=1)[:, 0]


def _masked_median(values: FloatArray, mask: BoolArray) -> FloatArray:
    """Row medians over the masked entries (NaN where a row has none)."""
    k = mask.sum(axis=1)
    s = np.sort(np.where(mask, values, np.inf), axis=1)
    lo = np.clip((k - 1) // 2, 0, None)
    hi = np.clip(k // 2, 0, None)
    med = (_pick(s, lo) + _pick(s, hi)) / 2.0
    return np.where(k > 0, med, np.nan)


_PAIRS = np.array([(i, j) for i in range(MAX_POINTS) for j in range(i + 1, MAX_POINTS)])


def signals_array(a: CheckInArrays) -> dict[str, FloatArray]:
    """`kr_signals` for every row at once; keys are `SIGNAL_NAMES`."""
    n, m = a.values.shape
    cols = np.arange(m)[None, :]
    valid = cols < a.count[:, None]
    has = a.count > 0
    last = np.clip(a.count - 1, 0, None)
    total = a.cycle_days
    elapsed = np.clip(a.as_of_day / total, 0.0, 1.0)
    t = np.where(valid, a.days / total[:, None], np.nan)

    span = (a.target - a.baseline)[:, None]
    canon = progress_array(a.values, np.broadcast_to(a.baseline[:, None], (n, m)),
                           np.broadcast_to(a.target[:, None], (n, m)),
                           milestone=np.broadcast_to(a.milestone[:, None], (n, m)),
                           decrease=np.broadcast_to(a.decrease[:, None], (n, m)))
    with np.errstate(divide="ignore", invalid="ignore"):
        raw = (a.values - a.baseline[:, None]) / span
    use_canon = a.milestone[:, None] | (span == 0)
    y = np.where(use_canon, canon, raw)
    y = np.where(valid, np.clip(y, *POSITION_RANGE), np.nan)

    p_now = np.where(has, _pick(canon, last), 0.0) + 0.0  # no negative zero
    t_last = np.where(has, _pick(np.nan_to_num(t), last), 0.0)
    y_last = np.where(has, _pick(np.nan_to_num(y), last), 0.0)
    days_since = np.where(has, a.as_of_day - _pick(a.days, last), a.as_of_day)
    stale = (days_since >= STALE_AFTER_DAYS) | ~has

    y0 = np.nan_to_num(y)
    i3 = np.clip(a.count - STALL_POINTS, 0, None)
    window = valid & (cols >= i3[:, None])
    w_max = np.max(np.where(window, y0, -np.inf), axis=1)
    w_min = np.min(np.where(window, y0, np.inf), axis=1)
    stalled = (~a.milestone & (a.count >= STALL_POINTS) & (p_now < 1.0)
               & (w_max - w_min <= STALL_EPS))
    recent_move = np.where(a.count >= 2, y_last - _pick(y0, i3), 0.0)
    regressing = (a.count >= 2) & (recent_move <= REGRESS_DROP)

    c_valid = valid & ~np.isnan(a.confidence)
    c_has = c_valid.any(axis=1)
    c_last = _last_index(c_valid)
    confidence = np.where(c_has, _pick(np.nan_to_num(a.confidence), c_last), np.nan)
    rank = np.cumsum(c_valid[:, ::-1], axis=1)[:, ::-1]
    earlier = c_valid & (rank >= 2) & (rank <= 1 + CONFIDENCE_WINDOW)
    e_max = np.max(np.where(earlier, a.confidence, -np.inf), axis=1)
    conf_drop = np.where(earlier.any(axis=1), np.maximum(0.0, e_max - confidence), 0.0)

    n_valid = valid & (a.note != 0)
    n_last = _last_index(n_valid)
    blocker = n_valid.any(axis=1) & (np.take_along_axis(a.note, n_last[:, None], 1)[:, 0] == 1)

    mean, sd = _trend_array(t, y, valid, a.count, t_last, y_last, elapsed)
    return {
        "milestone": a.milestone.astype(np.float64), "progress": p_now, "elapsed": elapsed,
        "pace_gap": p_now - elapsed, "n_check_ins": a.count.astype(np.float64),
        "days_since": days_since.astype(np.float64), "stale": stale.astype(np.float64),
        "stalled": stalled.astype(np.float64), "regressing": regressing.astype(np.float64),
        "recent_move": recent_move, "confidence": confidence, "confidence_drop": conf_drop,
        "blocker": blocker.astype(np.float64), "trend_mean": mean, "trend_sd": sd,
        "trend_p_miss": np.asarray(ndtr((SUCCESS - mean) / sd), dtype=np.float64),
    }


def _trend_array(t: FloatArray, y: FloatArray, valid: BoolArray, count: IntArray,
                 t_last: FloatArray, y_last: FloatArray,
                 elapsed: FloatArray) -> tuple[FloatArray, FloatArray]:
    """`_trend` over rows: Theil-Sen over all check-in pairs, shrunk and spread alike."""
    i, j = _PAIRS[:, 0], _PAIRS[:, 1]
    dt = t[:, j] - t[:, i]
    pair_ok = valid[:, i] & valid[:, j] & (dt > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        slopes = (y[:, j] - y[:, i]) / dt
    ts_slope = _masked_median(slopes, pair_ok)
    has_slope = ~np.isnan(ts_slope)
    avg_rate = y_last / np.maximum(t_last, 0.05)
    weight = np.where(has_slope, (count - 1) / (count - 1 + SLOPE_PRIOR_POINTS), 0.0)
    slope = np.where(has_slope, weight * np.nan_to_num(ts_slope) + (1 - weight) * avg_rate,
                     avg_rate)
    horizon = np.where(count > 0, np.maximum(0.0, 1.0 - t_last), np.maximum(0.0, 1.0 - elapsed))
    mean = np.clip(y_last + slope * horizon, *POSITION_RANGE)

    b = np.nan_to_num(ts_slope)[:, None]
    intercept = _masked_median(y - b * t, valid)
    mad = _masked_median(np.abs(y - intercept[:, None] - b * t), valid)
    noise = np.where((count >= 3) & has_slope, np.maximum(0.02, 1.4826 * np.nan_to_num(mad)), 0.1)
    k = np.maximum(count, 1)
    t_mean = np.where(valid, t, 0.0).sum(axis=1) / k
    sxx = np.where(valid, (t - t_mean[:, None]) ** 2, 0.0).sum(axis=1)
    slope_se = np.minimum(3.0, noise / np.sqrt(np.maximum(sxx, 0.002)))
    slope_sd = np.sqrt(SLOPE_PRIOR_SD ** 2 + slope_se ** 2)
    sd = np.sqrt(noise ** 2 + (slope_sd * horizon) ** 2)
    return mean, np.maximum(sd, 0.03)
