"""Dependency risk cascades up chains of key results and survives cycles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from okr.quarter import QuarterFile
from okr.risk import assess_quarter, assess_quarter_loop, cascade_array, upstream_worst

QuarterFactory = Callable[..., QuarterFile]
KRFactory = Callable[..., dict[str, Any]]

TROUBLED = [(10, 0, 0.3, "Blocked on legal review."), (30, 0, 0.2, "Still blocked.")]
HEALTHY = [(10, 20, 0.8, ""), (20, 35, 0.8, ""), (30, 50, 0.9, ""), (40, 70, 0.9, "")]


def test_risk_cascades_transitively_across_teams(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    q = make_quarter(make_kr("kr-a", TROUBLED, objective="o-2"),
                     make_kr("kr-b", HEALTHY, depends_on=["kr-a"]),
                     make_kr("kr-c", HEALTHY, depends_on=["kr-b"], objective="o-2"))
    by_id = {r.id: r for r in assess_quarter(q).key_results}
    assert "dependency_at_risk" in by_id["kr-c"].reasons
    assert by_id["kr-c"].dependency_culprit == "kr-a"
    assert by_id["kr-c"].p_miss > by_id["kr-c"].own_p_miss


def test_cycle_in_dependencies_terminates_on_both_paths(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    q = make_quarter(make_kr("kr-a", TROUBLED, depends_on=["kr-c"]),
                     make_kr("kr-b", HEALTHY, depends_on=["kr-a"]),
                     make_kr("kr-c", HEALTHY, depends_on=["kr-b"]))
    fast, slow = assess_quarter(q), assess_quarter_loop(q)
    assert [r.dependency_risk for r in fast.key_results] == \
        [r.dependency_risk for r in slow.key_results]


def test_cascade_array_matches_the_graph_walk() -> None:
    own = np.array([0.9, 0.1, 0.2, 0.6])
    down, up = np.array([1, 2, 0, 3]), np.array([0, 1, 2, 3])
    arr = cascade_array(own, down, up)
    deps = {"0": ["2"], "1": ["0"], "2": ["1"], "3": ["3"]}
    own_map = {str(i): float(v) for i, v in enumerate(own)}
    assert list(arr) == [upstream_worst(str(i), deps, own_map)[0] for i in range(4)]


def test_key_result_without_dependencies_inherits_nothing(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    (r,) = assess_quarter(make_quarter(make_kr("kr-a", HEALTHY))).key_results
    assert r.dependency_risk == 0.0 and r.dependency_culprit is None


def test_a_key_result_whose_own_risk_comes_back_through_a_cycle_says_so(
        make_quarter: QuarterFactory, make_kr: KRFactory) -> None:
    q = make_quarter(make_kr("kr-a", TROUBLED, depends_on=["kr-b"]),
                     make_kr("kr-b", HEALTHY, depends_on=["kr-a"]))
    by_id = {r.id: r for r in assess_quarter(q).key_results}
    assert by_id["kr-a"].dependency_culprit == "kr-a"
    assert "depends on kr-a" not in by_id["kr-a"].explanation
    assert "cycle" in by_id["kr-a"].explanation
    assert "depends on kr-a" in by_id["kr-b"].explanation
