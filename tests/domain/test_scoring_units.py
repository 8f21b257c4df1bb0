"""Status bands, expected progress and key result scores, by example."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from okr.models import CheckIn, KeyResult, Status
from okr.scoring import expected_progress, kr_score, objective_score, pace_ratio, status_for


@pytest.mark.parametrize(("score", "status"), [
    (0.0, Status.OFF_TRACK), (0.3, Status.OFF_TRACK), (0.34, Status.OFF_TRACK),
    (0.35, Status.AT_RISK), (0.4, Status.AT_RISK), (0.6, Status.AT_RISK),
    (0.649, Status.AT_RISK), (0.65, Status.ON_TRACK), (0.7, Status.ON_TRACK),
    (1.0, Status.ON_TRACK),
])
def test_status_bands_read_the_score_at_one_decimal(score, status):
    assert status_for(score) is status


def test_expected_progress_is_the_elapsed_share_of_the_cycle():
    start, end = date(2026, 1, 1), date(2026, 1, 11)
    assert expected_progress(start, end, date(2026, 1, 6)) == 0.5


def test_expected_progress_is_clipped_before_the_start_and_after_the_end():
    start, end = date(2026, 1, 1), date(2026, 1, 11)
    assert expected_progress(start, end, date(2025, 12, 1)) == 0.0
    assert expected_progress(start, end, date(2026, 2, 1)) == 1.0


def test_expected_progress_of_a_one_day_cycle_is_all_or_nothing():
    day = date(2026, 1, 1)
    assert expected_progress(day, day, day) == 1.0
    assert expected_progress(day, day, date(2025, 12, 31)) == 0.0


def test_pace_ratio_is_one_before_anything_is_expected():
    assert pace_ratio(0.2, 0.0) == 1.0
    assert pace_ratio(0.35, 0.7) == 0.5


def _kr(*values: tuple[int, float], weight: float | None = None) -> KeyResult:
    return KeyResult("k", "o", "obj", "k", baseline=0, target=10, weight=weight,
                     check_ins=tuple(CheckIn("k", datetime(2026, 1, d, tzinfo=UTC), v)
                                     for d, v in values))


def test_key_result_scores_its_latest_check_in_whatever_the_order():
    assert kr_score(_kr((9, 8.0), (2, 3.0))) == 0.8


def test_key_result_scored_as_of_a_date_ignores_later_check_ins():
    assert kr_score(_kr((2, 3.0), (9, 8.0)), as_of=date(2026, 1, 5)) == 0.3


def test_objective_score_weights_its_key_results():
    heavy, light = _kr((2, 10.0), weight=3.0), _kr((2, 0.0))
    assert objective_score([heavy, light]) == 0.75
