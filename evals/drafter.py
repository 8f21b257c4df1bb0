"""Score the drafter on labelled requests over the demo organisation.

`python -m evals.drafter [FILE]` (default: evals/data/drafter-requests.jsonl)
seeds Northwind Analytics (as of a fixed day, so ids and values never move)
into a throw-away SQLite store, runs the drafter graph on every request up
to its approval step, and checks:

- understanding: the team, cycle and parent (objective title or key result
  text) expected, or a clarifying question where one is expected;
- each draft: valid schema, 2-5 key results, every key result with a
  baseline and a target, the critic's verdict (publishable), every baseline
  equal to the known current value of its metric (the team's latest
  check-in), alignment to the requested parent, the number of objectives
  asked for;
- cost: model calls and tokens per request (0 on the offline engine).

`run_eval()` returns the same figures for tests; with `llm` given it runs the
model path instead of the offline engine.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from pydantic import ValidationError as PydanticValidationError
from rich.console import Console
from rich.table import Table

from agents.draft_templates import DraftObjective
from agents.drafter import build
from agents.llm import LLMClient
from agents.metering import InMemoryOrgLedger
from agents.runtime import AgentContext, run_config
from okr.demo import build_demo_org
from okr.quality import MAX_KRS, MIN_KRS
from okr.settings import Settings
from okr.store import Store
from tools.okr_reads import company_objectives, team_metrics

DEFAULT_FILE = Path(__file__).parent / "data" / "drafter-requests.jsonl"
#: The demo organisation is built as of this day: 2026-Q4 in progress, three quarters closed.
EVAL_TODAY = date(2026, 11, 16)
ORG = "demo"


@dataclass(frozen=True)
class Case:
    id: str
    request: str
    expected: dict[str, Any]


@dataclass
class CaseResult:
    """One request's outcome: the failed checks (empty means it passed) and its cost."""

    id: str
    team: str | None
    cycle: str | None
    drafts: int
    checks: int
    failures: list[str] = field(default_factory=list)
    llm_calls: int = 0
    tokens: int = 0
    engine: str = "offline"

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class DrafterReport:
    results: list[CaseResult]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def checks(self) -> int:
        return sum(r.checks for r in self.results)

    @property
    def failed_checks(self) -> int:
        return sum(len(r.failures) for r in self.results)

    @property
    def llm_calls(self) -> int:
        return sum(r.llm_calls for r in self.results)

    @property
    def tokens(self) -> int:
        return sum(r.tokens for r in self.results)


def load_cases(path: Path = DEFAULT_FILE) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            cases.append(Case(raw["id"], raw["request"], raw["expected"]))
    return cases


def _parent_ids(store: Store, text: str) -> set[str]:
    """Ids of the company objectives or key results whose title or text is `text`."""
    out: set[str] = set()
    for p in company_objectives(store, ORG, None, EVAL_TODAY):
        if p.title == text:
            out.add(p.id)
        out |= {k.id for k in p.key_results if k.text == text}
    return out


def check_case(case: Case, state: dict[str, Any], store: Store) -> tuple[int, list[str]]:
    """Run every check on one request's final state; return (checks made, failures)."""
    exp = case.expected
    u = state.get("understood", {})
    checks, fails = 0, []

    def check(ok: bool, what: str) -> None:
        nonlocal checks
        checks += 1
        if not ok:
            fails.append(what)

    if exp.get("clarify"):
        check(state.get("status") == "clarify" and bool(state.get("question")),
              "expected a clarifying question")
        return checks, fails
    check(state.get("status") != "clarify", f"asked back: {state.get('question')}")
    check(u.get("team_id") == exp["team"], f"team {u.get('team_id')} != {exp['team']}")
    cycle = (u.get("cycle") or {}).get("name")
    check(cycle == exp["cycle"], f"cycle {cycle} != {exp['cycle']}")
    wanted_parent = _parent_ids(store, exp["parent"]) if exp.get("parent") else set()
    if exp.get("parent"):
        check(u.get("parent_id") in wanted_parent,
              f"parent {u.get('parent_id')} is not {exp['parent']!r}")
    raw_drafts = state.get("drafts", [])
    check(bool(raw_drafts), "no drafts")
    if exp.get("count"):
        check(len(raw_drafts) == exp["count"], f"{len(raw_drafts)} drafts, not {exp['count']}")
    known = {m.kr_id: m.current for m in team_metrics(store, ORG, exp["team"], EVAL_TODAY)}
    facts = {m["id"]: m["kr_id"] for m in state.get("facts", {}).get("metrics", [])}
    for n, raw in enumerate(raw_drafts, start=1):
        try:
            d = DraftObjective.model_validate(raw)
        except PydanticValidationError:
            check(False, f"draft {n}: invalid schema")
            continue
        check(MIN_KRS <= len(d.key_results) <= MAX_KRS,
              f"draft {n}: {len(d.key_results)} key results")
        check(all(k.baseline is not None and k.target is not None for k in d.key_results),
              f"draft {n}: a key result lacks a baseline or target")
        check(d.publishable, f"draft {n}: blocked by the critic "
              f"({', '.join(f.code.value for f in d.critique.findings) if d.critique else '-'})")
        for k in d.key_results:
            kr_id = facts.get(k.fact_id or "")
            check(kr_id is not None and known.get(kr_id) == k.baseline,
                  f"draft {n}: baseline {k.baseline} of {k.metric!r} is not the known value")
        if exp.get("parent"):
            check(d.parent_id in wanted_parent, f"draft {n}: aligned to {d.parent_id}")
    return checks, fails


def run_eval(path: Path = DEFAULT_FILE, *, llm: LLMClient | None = None,
             settings: Settings | None = None) -> DrafterReport:
    """Run every request on a fresh demo store and check the drafts (offline unless `llm`)."""
    cases = load_cases(path)
    results: list[CaseResult] = []
    with tempfile.TemporaryDirectory(prefix="drafter-eval-") as tmp:
        base = settings or Settings(data_dir=Path(tmp), org=ORG)
        store = Store(f"sqlite:///{Path(tmp) / 'eval.sqlite3'}")
        try:
            store.save_snapshot(build_demo_org(ORG, today=EVAL_TODAY), replace=True)
            graph = build(InMemorySaver())
            for case in cases:
                ctx = AgentContext.create(base, org_id=ORG, agent="drafter", llm=llm,
                                          store=store, ledger=InMemoryOrgLedger())
                config = run_config(f"eval-{case.id}")
                graph.invoke({"request": case.request, "today": EVAL_TODAY.isoformat()},
                             config, context=ctx)
                state = dict(graph.get_state(config).values)
                checks, fails = check_case(case, state, store)
                u = state.get("understood", {})
                results.append(CaseResult(
                    id=case.id, team=u.get("team_name"),
                    cycle=(u.get("cycle") or {}).get("name"),
                    drafts=len(state.get("drafts", [])), checks=checks, failures=fails,
                    llm_calls=len(ctx.meter.calls), tokens=ctx.meter.run_tokens,
                    engine=ctx.engine))
        finally:
            store.close()
    return DrafterReport(results)


def print_report(report: DrafterReport, console: Console) -> None:
    table = Table(title="drafter eval")
    for col in ("request", "team", "cycle", "drafts", "checks", "result", "LLM calls",
                "tokens"):
        table.add_column(col)
    for r in report.results:
        verdict = "[green]pass[/]" if r.passed else "[red]" + "; ".join(r.failures) + "[/]"
        table.add_row(r.id, r.team or "-", r.cycle or "-", str(r.drafts), str(r.checks),
                      verdict, str(r.llm_calls), str(r.tokens))
    console.print(table)
    console.print(f"{report.passed}/{len(report.results)} requests pass; "
                  f"{report.checks - report.failed_checks}/{report.checks} checks; "
                  f"{report.llm_calls} LLM calls, {report.tokens} tokens", highlight=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    report = run_eval(Path(args[0]) if args else DEFAULT_FILE)
    print_report(report, Console())
    return 0 if report.passed == len(report.results) else 1


if __name__ == "__main__":
    sys.exit(main())
