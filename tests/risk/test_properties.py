"""Property tests: for any key result the two paths agree and the figures stay in range."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okr.quarter import QuarterFile
from okr.risk import assess_quarter, assess_quarter_loop

START, END = date(2026, 1, 1), date(2026, 3, 31)

check_in = st.fixed_dictionaries({
    "day": st.integers(0, 60),
    "value": st.one_of(st.integers(-50, 150), st.floats(-50, 150, allow_nan=False)),
    "confidence": st.one_of(st.none(), st.floats(0, 1)),
    "note": st.sampled_from(["", "On plan.", "Blocked on legal.", "Unblocked.", "Wachten op X."]),
})
key_result = st.fixed_dictionaries({
    "kind": st.sampled_from(["metric", "percent", "milestone"]),
    "direction": st.sampled_from(["increase", "decrease"]),
    "baseline": st.sampled_from([0, 10, 50, 100]),
    "target": st.sampled_from([0, 1, 10, 50, 100]),
    "check_ins": st.lists(check_in, max_size=15),
    "depends_on": st.lists(st.integers(0, 4), max_size=2),
})


def _quarter(krs: list[dict[str, Any]], as_of_day: int) -> QuarterFile:
    n = len(krs)
    return QuarterFile.model_validate({
        "cycle": {"name": "Q", "start": START.isoformat(), "end": END.isoformat()},
        "as_of": (START + timedelta(days=as_of_day)).isoformat(),
        "teams": [{"id": "t", "name": "T", "parent": None}],
        "objectives": [{"id": "o", "team": "t", "title": "O", "parent": None}],
        "key_results": [{
            "id": f"kr-{i}", "objective": "o", "owner": None, "text": "x", "kind": k["kind"],
            "direction": k["direction"], "baseline": k["baseline"],
            "target": k["target"], "unit": None,
            "depends_on": sorted({f"kr-{d % n}" for d in k["depends_on"]}),
            "check_ins": [{"date": (START + timedelta(days=min(c["day"], as_of_day))).isoformat(),
                           "value": c["value"], "confidence": c["confidence"], "note": c["note"]}
                          for c in k["check_ins"]],
        } for i, k in enumerate(krs)],
    })


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(key_result, min_size=1, max_size=5), st.integers(0, 89))
def test_scan_and_loop_agree_and_stay_in_range(krs: list[dict[str, Any]], as_of_day: int) -> None:
    q = _quarter(krs, as_of_day)
    for a, b in zip(assess_quarter(q).key_results, assess_quarter_loop(q).key_results,
                    strict=True):
        assert 0.0 <= a.p_miss <= 1.0 and 0.0 <= a.forecast <= 1.0
        assert math.isclose(a.p_miss, b.p_miss, abs_tol=1e-9)
        assert math.isclose(a.forecast, b.forecast, abs_tol=1e-9)
        assert (a.status, a.reasons, a.explanation) == (b.status, b.reasons, b.explanation)
