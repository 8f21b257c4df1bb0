"""Each risk signal, one behaviour per test, on the reference (per key result) path."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from okr.quarter import QuarterFile
from okr.risk import assess_quarter, model_columns, reasons_for
from okr.risk_features import SIGNAL_NAMES, KRSignals, kr_signals

START, END, MID = date(2026, 4, 1), date(2026, 6, 30), date(2026, 5, 16)
QuarterFactory = Callable[..., QuarterFile]
KRFactory = Callable[..., dict[str, Any]]


def signals(make_quarter: QuarterFactory, *krs: dict[str, object]) -> list[KRSignals]:
    q = make_quarter(*krs)
    return [kr_signals(k, START, END, q.as_of) for k in q.key_results]


def test_stale_at_exactly_fourteen_days(make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    day = (MID - START).days
    s14, s13 = signals(make_quarter, make_kr("kr-1", [(day - 14, 40, None, "")]),
                       make_kr("kr-2", [(day - 13, 40, None, "")]))
    assert (s14.stale, s13.stale) == (1.0, 0.0)


def test_no_check_in_at_all_is_stale(make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    (s,) = signals(make_quarter, make_kr("kr-1"))
    assert s.stale == 1.0 and s.n_check_ins == 0


def test_decreasing_metric_moving_up_is_regressing(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    (s,) = signals(make_quarter, make_kr("kr-1", [(10, 95, None, ""), (20, 90, None, ""),
                                            (30, 93, None, ""), (40, 97, None, "")],
                                  direction="decrease", baseline=100, target=80))
    assert s.regressing == 1.0 and s.recent_move < 0


def test_decreasing_metric_moving_down_is_not_regressing(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    (s,) = signals(make_quarter, make_kr("kr-1", [(10, 97, None, ""), (20, 94, None, ""),
                                            (30, 92, None, "")],
                                  direction="decrease", baseline=100, target=80))
    assert s.regressing == 0.0 and s.progress == 0.4


def test_no_movement_over_last_three_check_ins_is_stalled(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    (s,) = signals(make_quarter, make_kr("kr-1", [(10, 10, None, ""), (20, 30, None, ""),
                                            (30, 30, None, ""), (40, 30, None, "")]))
    assert s.stalled == 1.0


def test_confidence_falling_by_a_fifth_is_flagged(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    (s,) = signals(make_quarter, make_kr("kr-1", [(10, 10, 0.8, ""), (20, 20, None, ""),
                                            (30, 30, 0.6, "")]))
    assert math.isclose(s.confidence_drop, 0.2) and "falling_confidence" in reasons_for(s, 0.0)


def test_low_confidence_is_flagged(make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    (s,) = signals(make_quarter, make_kr("kr-1", [(30, 30, 0.4, "")]))
    assert "low_confidence" in reasons_for(s, 0.0)


def test_blocker_cleared_in_a_later_note_no_longer_counts(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    open_, cleared = signals(
        make_quarter,
        make_kr("kr-1", [(10, 10, None, "Blocked on legal review."), (20, 12, None, "")]),
        make_kr("kr-2", [(10, 10, None, "Blocked on legal review."),
                    (20, 12, None, "Legal review cleared; moving again.")]))
    assert (open_.blocker, cleared.blocker) == (1.0, 0.0)


def test_trend_spread_widens_with_fewer_points(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    many, few = signals(
        make_quarter,
        make_kr("kr-1", [(7, 8, None, ""), (14, 15, None, ""), (21, 24, None, ""),
                    (28, 31, None, ""), (35, 38, None, ""), (42, 46, None, "")]),
        make_kr("kr-2", [(42, 46, None, "")]))
    assert few.trend_sd > many.trend_sd


def test_one_wild_reading_does_not_swing_the_trend(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    clean, wild = signals(
        make_quarter,
        make_kr("kr-1", [(7, 8, None, ""), (14, 15, None, ""), (21, 24, None, ""),
                    (28, 31, None, ""), (35, 38, None, ""), (42, 46, None, "")]),
        make_kr("kr-2", [(7, 8, None, ""), (14, 15, None, ""), (21, 90, None, ""),
                    (28, 31, None, ""), (35, 38, None, ""), (42, 46, None, "")]))
    assert abs(clean.trend_mean - wild.trend_mean) < 0.05


def test_done_milestone_is_on_track(make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    q = make_quarter(make_kr("kr-1", [(20, 0, 0.6, ""), (40, 1, 0.9, "Done.")],
                        kind="milestone", target=1))
    (r,) = assess_quarter(q).key_results
    assert r.status == "on_track" and r.forecast > 0.8


def test_open_milestone_with_low_confidence_and_blocker_is_flagged_as_likely_miss(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    check_ins = [(20, 0, 0.5, ""), (40, 0, 0.2, "Blocked on security review.")]
    q = make_quarter(make_kr("kr-1", check_ins, kind="milestone", target=1))
    (r,) = assess_quarter(q).key_results
    assert r.status != "on_track" and r.p_miss > 0.7
    assert math.isclose(r.forecast, 1 - r.p_miss)


def test_over_confident_owner_does_not_rescue_a_key_result_far_behind(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    behind = [(7, 3, 0.9, ""), (14, 5, 0.9, ""), (21, 8, 0.9, ""), (28, 10, 0.9, ""),
              (35, 12, 0.9, ""), (42, 14, 0.9, "")]
    (r,) = assess_quarter(make_quarter(make_kr("kr-1", behind))).key_results
    assert r.status != "on_track"


def test_unchanged_milestone_is_never_stalled(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    (s,) = signals(make_quarter, make_kr("kr-1", [(10, 0, None, ""), (20, 0, None, ""),
                                            (30, 0, None, "")], kind="milestone", target=1))
    assert s.stalled == 0.0


def test_confidence_is_compared_with_the_trend_implied_chance_of_hitting() -> None:
    sig = {name: np.zeros(3) for name in SIGNAL_NAMES}
    sig["trend_p_miss"] = np.array([0.8, 0.2, 0.5])
    sig["confidence"] = np.array([0.9, 0.3, np.nan])
    cols = model_columns(sig)
    assert np.allclose(cols["confidence_over"], [0.7, 0.0, 0.0])
    assert np.allclose(cols["confidence_under"], [0.0, 0.5, 0.0])
