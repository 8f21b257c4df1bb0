"""The risk radar agent on the demo organisation, offline: what it finds and how long it takes.

Seeds the demo (as of mid-November of its current quarter) into a SQLite
store, runs the `risk_radar` graph up to its approval interrupt with every
key result at risk traced, and prints: key results scanned, at risk / off
track, playbooks per key result, how often each playbook is offered, the
nudges planned, and the wall time of the run and of one `okr playbooks`-style
proposal.
Run: .venv/bin/python benchmarks/risk_agent_bench.py
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver

from agents.nudges import plan_nudges
from agents.playbooks import propose
from agents.registry import compile_graph
from agents.runtime import AgentContext, run_config
from okr.demo import build_demo_org
from okr.risk import assess_quarter
from okr.settings import Settings
from okr.store import Store
from tools.store_reads import cycle_view

AS_OF = date(2026, 11, 20)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'okr.sqlite3'}")
        store.save_snapshot(build_demo_org("demo", AS_OF), replace=True)
        settings = Settings(data_dir=Path(tmp), org="demo", llm_base_url=None, llm_model=None)
        ctx = AgentContext.create(settings, llm=None, store=store, agent="risk_radar")
        graph = compile_graph("risk_radar", InMemorySaver())
        started = time.perf_counter()
        graph.invoke({"as_of": AS_OF.isoformat(), "limit": 1000}, run_config("b"), context=ctx)
        run_s = time.perf_counter() - started
        values = graph.get_state(run_config("b")).values
        findings, proposals = values["findings"], values["proposals"]
        view = cycle_view(store, "demo", as_of=AS_OF)
        index = {k.id: k for k in assess_quarter(view.quarter).key_results}
        started = time.perf_counter()
        propose(index[findings[0]["id"]], view, index)
        one_s = time.perf_counter() - started
        offered = Counter(p["id"] for ps in proposals.values() for p in ps)
        plan = plan_nudges(store, view, assess_quarter(view.quarter), 2,
                           datetime(2026, 11, 20, 17, tzinfo=UTC))
        store.close()
    statuses = Counter(f["status"] for f in findings)
    print(f"key results scanned        {len(index)}")
    print(f"at risk / off track        {statuses['at_risk']} / {statuses['off_track']}")
    print(f"playbooks per kr (mean)    {sum(map(len, proposals.values())) / len(findings):.2f}")
    print(f"krs with no playbook       {sum(1 for ps in proposals.values() if not ps)}")
    for name, n in sorted(offered.items()):
        print(f"  offered {name:<22} {n}")
    print(f"nudges planned / held      {len(plan.to_send)} / {len(plan.held_back)}")
    print(f"graph run to approval      {run_s * 1000:.0f} ms (offline, all krs at risk traced)")
    print(f"one proposal (okr playbooks) {one_s * 1000:.1f} ms")


if __name__ == "__main__":
    main()
