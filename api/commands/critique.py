"""`okr critique FILE`: check OKRs against the quality rules before publishing.

Reads one OKR per line (JSON Lines, docs/spec/okr-quality.md). With `--json`
it prints one JSON object per good input line, in input order, on standard
output; without it, a readable report. A bad line (broken JSON, not an object,
a missing or mistyped field) is reported on standard error with its line
number and skipped; every other line is still critiqued. Blank lines are
ignored.

Exit codes: 0 when every line was read, 1 when some lines were bad (the good
ones are still printed, so a pipeline gets partial results and a signal), 2
when the file itself cannot be read.

`okr critique --objective ID` critiques one stored objective with the critic
agent (model if configured, else offline; the report says which), printing
the same JSON object shape with `--json`. `okr publish ID` runs the publish
gate (agents/publishing.py): errors block unless `--override-reason` says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import typer
from pydantic import ValidationError as PydanticValidationError
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agents.critic import AgentCritique
from agents.publishing import publish_objective, review_objective
from agents.runtime import AgentContext
from api.cli_app import app, console, err_console
from api.commands.store import ORG_OPTION, open_store
from okr.quality import Critique, OKRInput, Severity, critique_many
from okr.settings import Settings

__all__ = ["BadLine", "critique_command", "publish_command", "read_okr_lines"]


@dataclass(frozen=True)
class BadLine:
    """An input line that could not be read, with why, for the error stream."""

    line: int
    reason: str


def _describe(exc: PydanticValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "line"
        msg = "missing" if err["type"] == "missing" else err["msg"].lower()
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def read_okr_lines(text: str) -> tuple[list[OKRInput], list[BadLine]]:
    """Parse JSON Lines into OKR inputs, collecting bad lines instead of stopping."""
    okrs: list[OKRInput] = []
    bad: list[BadLine] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(BadLine(number, f"broken JSON ({exc.msg} at column {exc.colno})"))
            continue
        if not isinstance(raw, dict):
            bad.append(BadLine(number, "expected a JSON object with an objective"))
            continue
        try:
            okrs.append(OKRInput.model_validate(raw))
        except PydanticValidationError as exc:
            bad.append(BadLine(number, _describe(exc)))
    return okrs, bad


def _print_report(c: Critique, review: AgentCritique | None = None) -> None:
    verdict = "[green]publishable[/]" if c.publishable else "[red]blocked[/]"
    body: Table | Text
    if not c.findings:
        body = Text("No findings: a well-formed OKR.", style="green")
    else:
        body = Table.grid(padding=(0, 1))
        body.add_column(no_wrap=True)
        body.add_column()
        for f in c.findings:
            style = "red" if f.severity is Severity.ERROR else "yellow"
            body.add_row(Text(f.severity.value, style=style),
                         Text(f"{f.code.value} ({f.target})", style="bold"))
            body.add_row("", Text(f.message))
            body.add_row("", Text(f"fix: {f.suggestion}", style="cyan"))
            rewrite = review.rewrite_for(f) if review is not None else None
            if rewrite is not None:
                note = f"; {rewrite.note}" if rewrite.note else ""
                body.add_row("", Text(f"rewrite [{rewrite.engine}]: {rewrite.text}{note}",
                                      style="magenta"))
    engine = f"  engine {review.engine}" if review is not None else ""
    console.print(Panel(body, title=f"{c.id}  score {c.score}/100  {verdict}{engine}",
                        title_align="left"))
    if review is not None:
        for d in review.dismissed:
            console.print(f"dismissed {d.finding.code.value} ({d.finding.target}): {d.reason}",
                          highlight=False, markup=False)


def _agent_context(store: object, org_id: str) -> AgentContext:
    return AgentContext.create(Settings(), org_id=org_id, agent="critic", store=store)


def _critique_stored(objective_id: str, org: str | None, as_json: bool) -> None:
    with open_store(org) as (store, org_id):
        review = review_objective(store, _agent_context(store, org_id), org_id, objective_id)
    if as_json:
        typer.echo(review.critique.model_dump_json())
    else:
        _print_report(review.critique, review)


@app.command("critique")
def critique_command(
    file: Path | None = typer.Argument(None, help="JSON Lines file, one OKR per line."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line on stdout."),
    objective: str | None = typer.Option(None, "--objective", metavar="ID",
                                         help="Critique one stored objective instead of a file."),
    org: str | None = ORG_OPTION,
) -> None:
    """Critique OKRs from a file (or one stored objective): findings, score, publishable."""
    if objective is not None and file is None:
        _critique_stored(objective, org, as_json)
        return
    if file is None or objective is not None:
        err_console.print("[bold red]error:[/] give either a FILE or --objective ID",
                          highlight=False)
        raise typer.Exit(2)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err_console.print(f"[bold red]error:[/] cannot read {file}: {exc.__class__.__name__}",
                          highlight=False)
        raise typer.Exit(2) from None
    okrs, bad = read_okr_lines(text)
    for b in bad:
        typer.echo(f"{file}: line {b.line}: {b.reason}", err=True)
    critiques = critique_many(okrs)
    if as_json:
        for c in critiques:
            typer.echo(c.model_dump_json())
    else:
        for c in critiques:
            _print_report(c)
        blocked = sum(not c.publishable for c in critiques)
        console.print(f"{len(critiques)} OKRs critiqued, {blocked} blocked"
                      + (f", {len(bad)} bad lines" if bad else ""), highlight=False)
    if bad:
        raise typer.Exit(1)


@app.command("publish")
def publish_command(
    objective_id: str = typer.Argument(..., metavar="ID", help="The objective to publish."),
    override_reason: str | None = typer.Option(
        None, "--override-reason", help="Publish despite blocking findings, for this reason "
        "(recorded in the history)."),
    actor: str = typer.Option("okr publish", "--actor", help="Who publishes (for the history)."),
    org: str | None = ORG_OPTION,
) -> None:
    """Publish an objective once the critic passes it (or with a stated override reason)."""
    with open_store(org) as (store, org_id):
        result = publish_objective(store, _agent_context(store, org_id), org_id, objective_id,
                                   actor, override_reason)
    if result.overridden:
        codes = ", ".join(f"{f.code.value} ({f.target})" for f in result.overridden)
        console.print(f"[yellow]published {objective_id} over the critic's findings:[/] {codes}",
                      highlight=False)
    else:
        console.print(f"[green]published[/] {objective_id} (score "
                      f"{result.review.critique.score}/100)", highlight=False)
