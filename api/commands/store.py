"""`okr` commands over the store: init, demo, import, export, list, show, checkin.

Each command opens the store named by the settings (OKR_DATABASE_URL or the
SQLite file under OKR_DATA_DIR), works on one organisation (`--org`, default
OKR_ORG) and turns user mistakes into a message and exit code 2.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from api.cli_app import app, console, err_console
from okr.errors import OKRError, ValidationError
from okr.models import CheckInSource, HistoryEntry, KeyResult, Objective
from okr.quarter import dump_quarter, load_quarter
from okr.scoring import kr_score, objective_score, status_for
from okr.settings import Settings
from okr.store import Store
from okr.transfer import (
    ORG_FORMAT,
    dump_organisation,
    export_organisation,
    export_quarter,
    import_csv,
    import_organisation,
    import_quarter,
)

__all__ = ["checkin", "demo", "export", "import_file", "init", "list_objectives", "show"]

ORG_OPTION = typer.Option(None, "--org", help="Organisation id (default: OKR_ORG).")
STATUS_STYLE = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}


@contextmanager
def open_store(org: str | None) -> Iterator[tuple[Store, str]]:
    """The configured store and organisation; OKRError becomes a message and exit 2."""
    settings = Settings()
    try:
        store = Store.from_settings(settings)
    except OKRError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    try:
        yield store, org or settings.org
    except OKRError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from exc
    finally:
        store.close()


def _number(text: str) -> int | float:
    try:
        value = json.loads(text.strip())
    except ValueError:
        value = None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{text!r} is not a number")
    return value


def _scored(score: float) -> Text:
    return Text(f"{score:.2f}", style=STATUS_STYLE[status_for(score).value])


@app.command()
def init(org: str | None = ORG_OPTION,
         name: str | None = typer.Option(None, "--name", help="Organisation display name.")
         ) -> None:
    """Create (or upgrade) the database and the organisation."""
    with open_store(org) as (store, org_id):
        organisation = store.ensure_organisation(org_id, name)
        where = store.engine.url.render_as_string(hide_password=True)
        console.print(f"store ready at {where}; organisation [bold]{organisation.id}[/] "
                      f"({organisation.name})")


@app.command()
def demo(org: str | None = ORG_OPTION,
         reset: bool = typer.Option(False, "--reset",
                                    help="Remove everything the organisation holds first.")
         ) -> None:
    """Seed the demo company (12 teams, 4 cycles) into the store."""
    from okr.demo import build_demo_org

    with open_store(org) as (store, org_id):
        snapshot = build_demo_org(org_id)
        store.save_snapshot(snapshot, replace=reset, actor="okr demo")
        krs = sum(len(o.key_results) for o in snapshot.objectives)
        console.print(f"demo organisation [bold]{org_id}[/]: {len(snapshot.teams)} teams, "
                      f"{len(snapshot.cycles)} cycles, {len(snapshot.objectives)} objectives, "
                      f"{krs} key results")


@app.command("import")
def import_file(file: Path = typer.Argument(..., help="A quarter file (.json), an "
                                            "organisation export (.json) or a CSV sheet."),
                org: str | None = ORG_OPTION) -> None:
    """Import OKRs; all or nothing."""
    with open_store(org) as (store, org_id):
        if not file.is_file():
            raise ValidationError(f"{file}: no such file")
        suffix = file.suffix.lower()
        text = file.read_text(encoding="utf-8-sig")
        if suffix == ".csv":
            result = import_csv(store, org_id, text, source=str(file), actor="okr import")
        elif suffix == ".json":
            try:
                head = json.loads(text)
            except ValueError:
                head = None
            if isinstance(head, dict) and head.get("format") == ORG_FORMAT:
                result = import_organisation(store, head, actor="okr import", org_id=org_id)
            else:
                result = import_quarter(store, org_id, load_quarter(file), actor="okr import")
        else:
            kind = suffix or "a file without an extension"
            raise ValidationError(f"{file}: cannot import {kind}; use .json (quarter file "
                                  "or organisation export) or .csv")
        cycles = ", ".join(result.cycle_ids)
        console.print(f"imported into [bold]{org_id}[/] (cycles {cycles}): "
                      f"{result.objectives} objectives, {result.key_results} key results, "
                      f"{result.check_ins} check-ins")


@app.command()
def export(fmt: str = typer.Option("quarter", "--format", "-f", help="quarter or json."),
           cycle: str | None = typer.Option(None, "--cycle", "-c",
                                            help="Cycle name or id (quarter format; default: "
                                                 "the current cycle)."),
           out: Path | None = typer.Option(None, "--out", "-o", help="Write here, not stdout."),
           org: str | None = ORG_OPTION) -> None:
    """Export a cycle as a quarter file, or the whole organisation as JSON."""
    with open_store(org) as (store, org_id):
        if fmt == "quarter":
            chosen = cycle
            if chosen is None:
                current = store.current_cycle(org_id)
                if current is None:
                    raise ValidationError(f"organisation {org_id!r} has no cycles to export")
                chosen = current.id
            text = dump_quarter(export_quarter(store, org_id, chosen))
        elif fmt == "json":
            text = dump_organisation(export_organisation(store, org_id))
        else:
            raise ValidationError(f"unknown format {fmt!r}; use quarter or json")
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
            err_console.print(f"wrote {out}")


@app.command("list")
def list_objectives(cycle: str | None = typer.Option(None, "--cycle", "-c",
                                                     help="Cycle name or id (default: current)."),
                    team: str | None = typer.Option(None, "--team", "-t", help="Team id or name."),
                    org: str | None = ORG_OPTION) -> None:
    """List a cycle's objectives with their scores."""
    with open_store(org) as (store, org_id):
        teams = {t.id: t for t in store.list_teams(org_id)}
        team_id = None
        if team is not None:
            by_name = {t.name.lower(): t.id for t in teams.values()}
            team_id = team if team in teams else by_name.get(team.lower())
            if team_id is None:
                raise ValidationError(f"no team {team!r} in organisation {org_id!r}")
        chosen = store.get_cycle(org_id, cycle) if cycle else store.current_cycle(org_id)
        if chosen is None:
            raise ValidationError(f"organisation {org_id!r} has no cycles yet; run "
                                  "`okr demo` or `okr import FILE`")
        objectives = store.list_objectives(org_id, chosen.id, team_id)
        as_of = min(date.today(), chosen.end)
        table = Table(title=f"{org_id} · {chosen.name}")
        for column in ("id", "team", "objective", "state", "KRs", "score"):
            table.add_column(column, justify="right" if column in ("KRs", "score") else "left")
        for o in objectives:
            team_name = teams[o.team_id].name if o.team_id in teams else "-"
            table.add_row(o.id, team_name, o.title, o.state.value, str(len(o.key_results)),
                          _scored(objective_score(o.key_results, as_of)))
        console.print(table)
        if not objectives:
            console.print("no objectives match")


def _history_table(entries: list[HistoryEntry]) -> Table:
    table = Table(title="history")
    for column in ("at", "action", "actor", "change", "reason"):
        table.add_column(column)
    for h in entries:
        change = ", ".join(f"{k}: {(h.before or {}).get(k)!r} → {v!r}"
                           for k, v in (h.after or {}).items()
                           if h.before is not None and k in h.before)
        table.add_row(h.at.strftime("%Y-%m-%d %H:%M"), h.action, h.actor or "-",
                      change or "", h.reason or "")
    return table


def _show_objective(o: Objective, store: Store, org_id: str) -> None:
    console.print(f"[bold]{o.title}[/]  ({o.id})")
    console.print(f"cycle {o.cycle_id} · team {o.team_id or '-'} · {o.level.value} · "
                  f"{o.state.value} · {o.visibility.value} · owner {o.owner_id or '-'}")
    console.print(Text.assemble("score ", _scored(objective_score(o.key_results))))
    table = Table(title="key results")
    for column in ("id", "key result", "baseline", "current", "target", "unit", "score"):
        table.add_column(column)
    for k in o.key_results:
        table.add_row(k.id, k.text, str(k.baseline), str(k.current), str(k.target), k.unit,
                      _scored(kr_score(k)))
    console.print(table)
    console.print(_history_table(store.history(org_id, o.id)))


def _show_key_result(k: KeyResult, store: Store, org_id: str) -> None:
    console.print(f"[bold]{k.text}[/]  ({k.id}, objective {k.objective_id})")
    console.print(f"{k.kind.value}, {k.direction.value} · baseline {k.baseline} · target "
                  f"{k.target} {k.unit} · current {k.current} · owner {k.owner_id or '-'}")
    console.print(Text.assemble("score ", _scored(kr_score(k))))
    table = Table(title="check-ins")
    for column in ("at", "value", "confidence", "source", "author", "note"):
        table.add_column(column)
    for c in k.check_ins:
        table.add_row(c.at.strftime("%Y-%m-%d"), str(c.value),
                      "-" if c.confidence is None else f"{c.confidence:.2f}", c.source.value,
                      c.author_id or "-", c.note)
    console.print(table)
    console.print(_history_table(store.history(org_id, k.id)))


@app.command()
def show(entity_id: str = typer.Argument(..., metavar="ID",
                                         help="An objective or key result id."),
         org: str | None = ORG_OPTION) -> None:
    """Show an objective or key result with its check-ins and history."""
    with open_store(org) as (store, org_id):
        found = store.find(org_id, entity_id)
        if isinstance(found, Objective):
            _show_objective(found, store, org_id)
        else:
            _show_key_result(found, store, org_id)


@app.command()
def checkin(kr: str = typer.Argument(..., help="Key result id."),
            value: str = typer.Argument(..., help="The new value, e.g. 42 or 0.5."),
            confidence: float | None = typer.Option(None, "--confidence",
                                                    help="0..1: how likely the target is met."),
            note: str = typer.Option("", "--note", help="What changed and why."),
            author: str | None = typer.Option(None, "--author", help="Who is checking in."),
            org: str | None = ORG_OPTION) -> None:
    """Record a check-in on a key result."""
    with open_store(org) as (store, org_id):
        record = store.add_check_in(org_id, kr, _number(value), confidence, note,
                                    author or "cli", CheckInSource.MANUAL)
        updated = store.get_key_result(org_id, kr)
        console.print(Text.assemble(f"{kr}: {record.value} {updated.unit} checked in; score ",
                                    _scored(kr_score(updated))))
