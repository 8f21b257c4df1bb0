"""Property tests of okr.scoring where arithmetic meets edge cases."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from okr.models import Direction, KRKind
from okr.scoring import (
    grouped_weighted_mean,
    progress,
    progress_array,
    rollup,
    weighted_mean,
)

numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
maybe_numbers = st.none() | numbers
kinds = st.sampled_from(list(KRKind))
directions = st.sampled_from(list(Direction))
scores = st.floats(min_value=0.0, max_value=1.0)


@given(maybe_numbers, maybe_numbers, maybe_numbers, kinds, directions)
def test_progress_is_always_between_zero_and_one(value, baseline, target, kind, direction):
    assert 0.0 <= progress(value, baseline, target, kind=kind, direction=direction) <= 1.0


@given(numbers, numbers, numbers, numbers)
def test_decreasing_metric_gains_progress_as_the_value_falls(baseline, target, v1, v2):
    high, low = max(baseline, target), min(baseline, target)
    lower, higher = min(v1, v2), max(v1, v2)
    if high == low:
        return
    p_lower = progress(lower, high, low, direction=Direction.DECREASE)
    p_higher = progress(higher, high, low, direction=Direction.DECREASE)
    assert p_lower >= p_higher


@given(numbers, numbers, numbers, directions)
def test_regression_past_the_baseline_never_counts_as_progress(baseline, target, delta,
                                                                direction):
    if baseline == target:
        return
    away = -abs(delta) if target > baseline else abs(delta)
    assert progress(baseline + away, baseline, target, direction=direction) == 0.0


@given(numbers, numbers)
def test_increase_with_equal_baseline_and_target_is_met_at_or_above_it(level, value):
    expected = 1.0 if value >= level else 0.0
    assert progress(value, level, level, direction=Direction.INCREASE) == expected


@given(numbers, numbers)
def test_decrease_with_equal_baseline_and_target_is_met_at_or_below_it(level, value):
    expected = 1.0 if value <= level else 0.0
    assert progress(value, level, level, direction=Direction.DECREASE) == expected


@given(numbers, numbers, st.floats(min_value=0, max_value=1e6), directions)
def test_values_past_the_target_score_one(baseline, target, beyond, direction):
    if baseline == target:
        return
    past = target + beyond if target > baseline else target - beyond
    assert progress(past, baseline, target, direction=direction) == 1.0


@given(numbers, maybe_numbers)
def test_milestone_scores_zero_or_one_and_one_once_done(value, baseline):
    score = progress(value, baseline, 1.0, kind=KRKind.MILESTONE)
    assert score in (0.0, 1.0)
    assert score == (1.0 if value >= 1.0 else 0.0)


@given(maybe_numbers, maybe_numbers, kinds, directions)
def test_missing_value_or_range_scores_zero(baseline, target, kind, direction):
    assert progress(None, baseline, target, kind=kind, direction=direction) == 0.0
    if kind is not KRKind.MILESTONE:
        assert progress(1.0, None, target, kind=kind, direction=direction) == 0.0


rows = st.tuples(maybe_numbers, maybe_numbers, maybe_numbers, st.booleans(), st.booleans())


@given(st.lists(rows, min_size=1, max_size=40))
def test_vectorised_progress_agrees_with_the_scalar_form(items):
    def arr(i: int) -> np.ndarray:
        return np.array([np.nan if r[i] is None else r[i] for r in items], dtype=np.float64)

    milestone = np.array([r[3] for r in items])
    decrease = np.array([r[4] for r in items])
    vector = progress_array(arr(0), arr(1), arr(2), milestone=milestone, decrease=decrease)
    scalar = [progress(v, b, t, kind=KRKind.MILESTONE if m else KRKind.METRIC,
                       direction=Direction.DECREASE if d else Direction.INCREASE)
              for v, b, t, m, d in items]
    assert vector.tolist() == scalar


weights = st.none() | st.just(5e-324) | st.floats(min_value=0, max_value=100)


@given(st.lists(st.tuples(scores, weights), min_size=1, max_size=20))
def test_weighted_mean_stays_between_the_lowest_and_highest_score(pairs):
    values = [s for s, _ in pairs]
    mean = weighted_mean(values, [w for _, w in pairs])
    assert min(values) - 1e-9 <= mean <= max(values) + 1e-9


@given(st.lists(st.tuples(scores, weights, st.integers(0, 4)), min_size=1, max_size=40))
def test_grouped_weighted_mean_agrees_with_weighted_mean_per_group(items):
    grouped = grouped_weighted_mean(
        np.array([s for s, _, _ in items]),
        np.array([np.nan if w is None else w for _, w, _ in items]),
        np.array([g for _, _, g in items], dtype=np.int64),
        5,
    )
    for g in range(5):
        members = [(s, w) for s, w, gg in items if gg == g]
        expected = weighted_mean([s for s, _ in members], [w for _, w in members])
        assert math.isclose(grouped[g], expected, rel_tol=1e-9, abs_tol=1e-9)


def test_tiny_weights_do_not_underflow_the_weighted_mean():
    assert weighted_mean([0.5], [5e-324]) == 0.5
    grouped = grouped_weighted_mean(np.array([0.5]), np.array([5e-324]),
                                    np.array([0], dtype=np.int64), 1)
    assert grouped.tolist() == [0.5]


node_ids = st.sampled_from([f"n{i}" for i in range(8)])


@given(st.dictionaries(node_ids, st.none() | scores),
       st.dictionaries(node_ids, st.lists(node_ids, max_size=5)))
def test_rollup_terminates_on_cyclic_links_and_stays_in_range(own, children):
    rolled = rollup(own, children)
    assert set(rolled) == set(own) | set(children)
    assert all(-1e-9 <= v <= 1 + 1e-9 for v in rolled.values())


@given(scores, scores)
def test_rollup_of_a_leaf_is_its_own_score_and_a_parent_averages(parent, child):
    rolled = rollup({"p": parent, "c": child}, {"p": ["c"]})
    assert rolled["c"] == child
    assert math.isclose(rolled["p"], (parent + child) / 2)
