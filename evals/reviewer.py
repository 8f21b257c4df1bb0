"""Score the review writer on the demo organisation.

`python -m evals.reviewer` writes every kind of review (pulse, mid-cycle,
QBR, retrospective) for every closed cycle of Northwind Analytics, and the
pulse and mid-cycle review of the current cycle, on the offline engine, and
checks three things per review:

- faithfulness: the number of numbers in the narrative that are not facts
  (must be 0);
- coverage of risk: every key result the risk radar rates at risk or off
  track at the review's date is named in the mid-cycle review;
- coverage of the retrospective: every objective in scope has a scored section.

It prints a Rich table and exits 1 if any review fails. `evaluate()` returns
the rows for the test suite.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date

from rich.console import Console
from rich.table import Table

from agents.review_templates import KINDS
from agents.reviewer import Review, write_review
from agents.runtime import AgentContext
from okr.demo import build_demo_org
from okr.settings import Settings

__all__ = ["EvalRow", "evaluate", "main"]

#: The demo organisation's "today": mid-way through its current quarter.
DEMO_TODAY = date(2026, 11, 18)


@dataclass(frozen=True)
class EvalRow:
    kind: str
    cycle: str
    as_of: date
    sections: int
    numbers: int
    unsupported: tuple[str, ...]
    risks_expected: int
    risks_missing: tuple[str, ...]
    objectives_expected: int
    objectives_missing: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not (self.unsupported or self.risks_missing or self.objectives_missing)


def _row(review: Review) -> EvalRow:
    from okr.review_facts import number_tokens

    f = review.facts
    text = review.narrative()
    unsupported = tuple(n for s in review.sections for n in s.unsupported)
    flagged = [r.kr_id for r in f.all_risks if r.status != "on_track"]
    missing_risks: tuple[str, ...] = ()
    if review.kind == "midcycle":
        missing_risks = tuple(k for k in flagged if k not in text)
    expected_objs = [o.id for o in f.objectives]
    missing_objs: tuple[str, ...] = ()
    if review.kind == "retro":
        sections = {s.id.split(":", 1)[1]: s.text for s in review.sections
                    if s.id.startswith("objective:")}
        scored = {oid for oid, body in sections.items()
                  if f.shown(f"objective:{oid}:score") in body}
        missing_objs = tuple(o for o in expected_objs if o not in scored)
    return EvalRow(review.kind, f.cycle.name, f.as_of, len(review.sections),
                   len(number_tokens(text)), unsupported,
                   len(flagged) if review.kind == "midcycle" else 0, missing_risks,
                   len(expected_objs) if review.kind == "retro" else 0, missing_objs)


def evaluate(today: date = DEMO_TODAY) -> list[EvalRow]:
    """Every review of the demo organisation, offline, with its checks."""
    snapshot = build_demo_org("demo", today=today)
    settings = Settings(data_dir="/nonexistent-reviewer-eval", llm_base_url=None, llm_model=None)
    rows = []
    for cycle in sorted(snapshot.cycles, key=lambda c: c.start):
        kinds = KINDS if cycle.closed else ("pulse", "midcycle")
        for kind in kinds:
            ctx = AgentContext.create(settings, org_id="demo", agent="reviewer", llm=None)
            review = write_review(ctx, kind, snapshot=snapshot, cycle=cycle.id, today=today)
            rows.append(_row(review))
    return rows


def render(rows: list[EvalRow], console: Console) -> None:
    table = Table(title="Reviewer eval — Northwind Analytics (offline engine)")
    for col in ("kind", "cycle", "as of", "sections", "numbers", "not facts",
                "at-risk KRs named", "objectives scored", "ok"):
        table.add_column(col, justify="right" if col in ("sections", "numbers") else "left")
    for r in rows:
        risks = (f"{r.risks_expected - len(r.risks_missing)}/{r.risks_expected}"
                 if r.kind == "midcycle" else "-")
        objs = (f"{r.objectives_expected - len(r.objectives_missing)}/{r.objectives_expected}"
                if r.kind == "retro" else "-")
        table.add_row(r.kind, r.cycle, r.as_of.isoformat(), str(r.sections), str(r.numbers),
                      str(len(r.unsupported)), risks, objs,
                      "[green]yes[/]" if r.ok else "[red]NO[/]")
    console.print(table)
    total = sum(r.numbers for r in rows)
    bad = sum(len(r.unsupported) for r in rows)
    console.print(f"{len(rows)} reviews, {total} numbers in narratives, {bad} not facts; "
                  f"{sum(1 for r in rows if r.ok)}/{len(rows)} pass")


def main() -> int:
    rows = evaluate()
    render(rows, Console(width=130))
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
