"""`okr memory ...`: fill the vector memory from the store, search it, add documents.

`okr memory rebuild` backfills every closed cycle of the organisation (run it
after `okr demo`, an import or closing a cycle; re-running adds nothing
twice). `okr memory search "reduce churn" --team "Customer Success"` prints
the nearest past OKRs with their final scores. Memory code is imported inside
the commands so the rest of the command line starts fast.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table
from rich.text import Text

from api.cli_app import app, console, err_console
from api.commands.store import ORG_OPTION, STATUS_STYLE, open_store
from okr.errors import ValidationError
from okr.scoring import status_for
from okr.settings import Settings

if TYPE_CHECKING:
    from memory import IngestReport, Memory
    from okr.store import Store

__all__ = ["memory_app", "open_org_memory", "sync_memory"]

memory_app = typer.Typer(help="The vector memory of past quarters.", no_args_is_help=True)
app.add_typer(memory_app, name="memory")


def sync_memory(store: Store, memory: Memory, cycle_ids: set[str] | None = None,
                *, reset: bool = False) -> IngestReport:
    """Write the organisation's closed cycles (or only `cycle_ids`) from the store to memory.

    Call it after a cycle is closed (with that cycle's id) or to backfill;
    `reset` forgets everything the organisation had in memory first.
    """
    from memory import ingest_closed_cycles

    if reset:
        memory.forget()
    snapshot = store.load_snapshot(memory.org_id)
    return ingest_closed_cycles(memory, snapshot, cycle_ids)


def open_org_memory(settings: Settings, org_id: str, *, purpose: str) -> Memory | None:
    """The organisation's memory when it has been filled, else None, for a command that
    can do without it (a review, a draft).

    None when no memory was ever built here (no `<data_dir>/memory` and no
    OKR_CHROMA_URL) or the organisation has nothing in it. A memory that
    can't be opened (server down, another embedding model) never fails the
    command: it is said once on standard error, naming only the kind of
    failure, and the command goes on without it ("the review goes on
    without it": `purpose` names what goes on).
    """
    from memory.client import memory_path

    if not (settings.chroma_url or memory_path(settings).exists()):
        return None
    try:
        from memory import open_memory

        memory = open_memory(org_id, settings)
        return memory if memory.count() else None
    except Exception as exc:  # memory is optional here: go on without it
        err_console.print(f"[dim]memory unavailable ({type(exc).__name__}); {purpose} goes on "
                          "without it[/]", highlight=False)
        return None


@memory_app.command("rebuild")
def rebuild(org: str | None = ORG_OPTION,
            reset: bool = typer.Option(False, "--reset",
                                       help="Forget the organisation's memory first.")) -> None:
    """Backfill memory from every closed cycle in the store (idempotent)."""
    from memory import open_memory

    settings = Settings()
    with open_store(org) as (store, org_id):
        memory = open_memory(org_id, settings)
        report = sync_memory(store, memory, reset=reset)
        console.print(f"memory of [bold]{org_id}[/] ({memory.model}): "
                      f"{len(report.cycles)} closed cycles, {report.objectives} objectives, "
                      f"{report.notes} notes; {report.written} written, "
                      f"{memory.count()} documents in all")


@memory_app.command("search")
def search(query: str = typer.Argument(..., help="What to look for, in plain words."),
           team: str | None = typer.Option(None, "--team", help="Team id or name."),
           cycle: list[str] | None = typer.Option(None, "--cycle",
                                                  help="Cycle id or name (repeatable)."),
           min_score: float | None = typer.Option(None, "--min-score",
                                                  help="Only OKRs that scored at least this."),
           notes: bool = typer.Option(False, "--notes",
                                      help="Search lessons and check-in notes, not objectives."),
           k: int = typer.Option(5, "--k", min=1, max=50, help="How many results."),
           as_json: bool = typer.Option(False, "--json", help="Print JSON."),
           org: str | None = ORG_OPTION) -> None:
    """Past OKRs (or, with --notes, lessons) most like QUERY, with their final scores."""
    from memory import open_memory

    settings = Settings()
    with open_store(org) as (_store, org_id):
        memory = open_memory(org_id, settings)
        if notes:
            if not team:
                raise ValidationError("--notes needs --team")
            hits = memory.lessons_for(team, query, k=k)
        else:
            hits = memory.similar_okrs(query, team=team, cycles=cycle, min_score=min_score, k=k)
    if as_json:
        console.print_json(json.dumps([
            {"key": h.key, "kind": h.kind.value, "similarity": round(h.similarity, 4),
             "score": h.okr_score, "team": h.team, "cycle": h.cycle, "date": h.date,
             "source_ids": list(h.source_ids), "text": h.text} for h in hits]))
        return
    if not hits:
        console.print("nothing in memory matches; has `okr memory rebuild` run?")
        return
    table = Table(title=f"memory: {query}", show_lines=True)
    for column in ("match", "cycle", "team", "score", "remembered"):
        table.add_column(column)
    for h in hits:
        score = Text("-") if h.okr_score is None else Text(
            f"{h.okr_score:.2f}", style=STATUS_STYLE[status_for(h.okr_score).value])
        table.add_row(f"{h.similarity:.2f}", h.cycle or "-", h.team or "-", score, h.text)
    console.print(table)


@memory_app.command("add")
def add(file: Path = typer.Argument(..., help="A text or Markdown file."),
        title: str | None = typer.Option(None, "--title", help="Default: the file name."),
        kind: str = typer.Option("strategy", "--kind",
                                 help="strategy, retrospective or review."),
        team: str | None = typer.Option(None, "--team", help="Team id or name."),
        cycle: str | None = typer.Option(None, "--cycle", help="Cycle id or name."),
        org: str | None = ORG_OPTION) -> None:
    """Remember a document a person wrote (strategy, retrospective, review)."""
    from memory import DocKind, open_memory, strategy_documents

    allowed = {"strategy": DocKind.STRATEGY, "retrospective": DocKind.RETROSPECTIVE,
               "review": DocKind.REVIEW}
    if kind not in allowed:
        raise ValidationError(f"--kind must be one of {', '.join(allowed)}")
    if not file.is_file():
        raise ValidationError(f"{file}: no such file")
    text = file.read_text(encoding="utf-8-sig").strip()
    if not text:
        raise ValidationError(f"{file} is empty")
    settings = Settings()
    with open_store(org) as (_store, org_id):
        memory = open_memory(org_id, settings)
        docs = strategy_documents(file.name, title or file.stem, text, team=team,
                                  cycle=cycle, day=date.today(), kind=allowed[kind])
        memory.forget_source(file.name)
        memory.add(docs)
    console.print(f"remembered {kind} [bold]{title or file.stem}[/] for {org_id}")
