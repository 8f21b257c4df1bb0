"""How long the deterministic critic takes on 1,000 OKRs (prints the figure).

Builds 1,000 OKRs by cycling the labelled dev set under fresh ids and teams,
then times `critique_many` (the path `okr critique FILE` takes) end to end.
Run: .venv/bin/python benchmarks/critic_bench.py [N]
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from okr.quality import OKRInput, critique_many

DEV = Path(__file__).parents[1] / "evals" / "data" / "critic-dev.jsonl"


def build(n: int) -> list[OKRInput]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    okrs = []
    for i in range(n):
        row = dict(rows[i % len(rows)])
        row["id"] = f"bench-{i}"
        row["team"] = {**row["team"], "name": f"{row['team']['name']} {i // 40}"}
        okrs.append(OKRInput.model_validate(row))
    return okrs


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    okrs = build(n)
    krs = sum(len(o.key_results) for o in okrs)
    start = time.perf_counter()
    critiques = critique_many(okrs)
    elapsed = time.perf_counter() - start
    findings = sum(len(c.findings) for c in critiques)
    print(f"critiqued {n} OKRs ({krs} key results, {findings} findings) in {elapsed:.3f} s "
          f"= {n / elapsed:,.0f} OKRs/s")


if __name__ == "__main__":
    main()
