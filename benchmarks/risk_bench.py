"""Risk radar scan: array path vs the straightforward per-key-result loop.

    python benchmarks/risk_bench.py [--krs 100000]

Builds one organisation of N key results by repeating a simulated quarter
(ids and dependencies renamed per copy), then times:
  - layout: the quarter file into padded check-in arrays (one pass over check-ins)
  - scan: signals, own risk, cascade, full risk and forecast over the arrays
  - assess_quarter: layout + scan + per-key-result result objects and sentences
  - loop: assess_quarter_loop, one key result at a time
and prints the times and ratios.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from evals.simulate_quarters import simulate_quarter
from okr.quarter import QuarterFile
from okr.risk import assess_quarter, assess_quarter_loop, dependency_edges, scan_arrays
from okr.risk_features import CheckInArrays


def organisation(n_krs: int, seed: int = 1) -> QuarterFile:
    """A quarter with `n_krs` key results: copies of one simulated quarter."""
    q, _ = simulate_quarter(np.random.default_rng(seed), n_krs=100, as_of_fraction=0.5)
    base = q.model_dump(mode="json")
    krs: list[dict[str, Any]] = []
    copy = 0
    while len(krs) < n_krs:
        for kr in base["key_results"]:
            if len(krs) == n_krs:
                break
            krs.append({**kr, "id": f"{kr['id']}-{copy}",
                        "depends_on": [f"{d}-{copy}" for d in kr["depends_on"]]})
        copy += 1
    ids = {k["id"] for k in krs}
    for k in krs:
        k["depends_on"] = [d for d in k["depends_on"] if d in ids]
    return QuarterFile.model_validate({**base, "key_results": krs})


def _time(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--krs", type=int, default=100_000)
    args = parser.parse_args()
    t_build, q = _time(lambda: organisation(args.krs))
    n_ci = sum(len(k.check_ins) for k in q.key_results)
    print(f"organisation: {args.krs} key results, {n_ci} check-ins (built in {t_build:.1f} s)")
    t_layout, arrays = _time(lambda: CheckInArrays.from_quarter(q))
    down, up = dependency_edges(arrays.ids, {k.id: k.depends_on for k in q.key_results})
    t_scan, scan = _time(lambda: scan_arrays(arrays, down, up))
    t_assess, fast = _time(lambda: assess_quarter(q))
    t_loop, slow = _time(lambda: assess_quarter_loop(q))
    agree = np.allclose([r.p_miss for r in fast.key_results], [r.p_miss for r in slow.key_results])
    print(f"layout (quarter file -> arrays): {t_layout:8.2f} s")
    print(f"array scan (numbers only):       {t_scan:8.2f} s")
    print(f"assess_quarter (layout+scan+text): {t_assess:6.2f} s")
    print(f"per-KR loop (assess_quarter_loop): {t_loop:6.2f} s")
    print(f"ratio loop / array scan:        {t_loop / t_scan:8.1f}x")
    print(f"ratio loop / assess_quarter:    {t_loop / t_assess:8.1f}x")
    print(f"paths agree on p_miss: {agree}; at risk or off track: "
          f"{int((scan.p_miss >= 0.5).sum())} of {len(scan.p_miss)}")


if __name__ == "__main__":
    main()
