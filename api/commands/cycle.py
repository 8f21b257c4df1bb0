"""`okr cycle list | close`: see the organisation's cycles and close one, remembering it.

Closing a cycle makes its results final in the store (`Store.close_cycle`)
and then writes its objectives, outcomes and notes to the vector memory, so
the next quarter's drafts and retrospectives can learn from it. The store
is the record: when the memory step fails the cycle stays closed, and
`okr memory rebuild` fills the memory in later (ingestion is idempotent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from api.cli_app import app, console, err_console
from api.commands.memory import sync_memory
from api.commands.store import ORG_OPTION, open_store
from okr.errors import OKRError
from okr.models import Cycle, ObjectiveState
from okr.settings import Settings

if TYPE_CHECKING:
    from memory import IngestReport, Memory
    from okr.store import Store

__all__ = ["ClosedCycle", "MemoryNotUpdated", "close_cycle_and_remember", "cycle_app"]

cycle_app = typer.Typer(help="The organisation's cycles: list them, close one.",
                        no_args_is_help=True)
app.add_typer(cycle_app, name="cycle")

#: Exit code when the cycle was closed but the memory could not be updated.
MEMORY_FAILED_EXIT = 1


@dataclass(frozen=True)
class ClosedCycle:
    """What closing a cycle did: the cycle, how its objectives moved, what memory got."""

    cycle: Cycle
    objectives_closed: int
    objectives_retired: int
    memory: IngestReport | None = None


class MemoryNotUpdated(OKRError):
    """The cycle is closed in the store, but writing it to memory failed.

    `closed` says what the close did; the message says how to retry.
    """

    def __init__(self, closed: ClosedCycle, cause: BaseException) -> None:
        self.closed = closed
        org = closed.cycle.org_id
        # Only our own errors are quoted: a client's message may carry a server address.
        detail = f": {cause}" if isinstance(cause, OKRError) else ""
        super().__init__(
            f"cycle {closed.cycle.name!r} is closed, but the memory was not updated "
            f"({type(cause).__name__}{detail}); run `okr memory rebuild --org {org}` to "
            "write it to memory")


def _closed(store: Store, cycle: Cycle) -> ClosedCycle:
    entry = next(h for h in reversed(store.history(cycle.org_id, cycle.id))
                 if h.entity == "cycle" and h.action == "closed")
    after = entry.after or {}
    counts = [after.get(k) for k in ("objectives_closed", "objectives_retired")]
    closed, retired = (n if isinstance(n, int) else 0 for n in counts)
    return ClosedCycle(cycle, closed, retired)


def close_cycle_and_remember(store: Store, memory: Memory | Callable[[], Memory] | None,
                             org_id: str, cycle_ref: str, actor: str | None, *,
                             reason: str | None = None) -> ClosedCycle:
    """Close the cycle in the store, then write it (objectives, outcomes, notes) to memory.

    `memory` is the organisation's memory, or a function that opens it (called
    only after the close, so a memory that can't even be opened never stops
    a cycle from closing), or None to leave the memory alone. The close is
    one transaction and comes first; raises `MemoryNotUpdated` (with the
    result of the close) when the memory step fails, and the store's errors
    (`TransitionError` for a closed cycle, `NotFoundError`) before anything
    changes.
    """
    cycle = store.close_cycle(org_id, cycle_ref, actor, reason)
    closed = _closed(store, cycle)
    if memory is None:
        return closed
    try:
        opened = memory() if callable(memory) else memory
        if opened.org_id != org_id:
            raise OKRError(f"the memory of {opened.org_id!r} can't hold {org_id!r}'s cycles")
        report = sync_memory(store, opened, {cycle.id})
    except Exception as exc:
        raise MemoryNotUpdated(closed, exc) from exc
    return ClosedCycle(cycle, closed.objectives_closed, closed.objectives_retired, report)


@cycle_app.command("close")
def close(name: str = typer.Argument(..., help="The cycle's name or id, e.g. 2026-Q4."),
          actor: str | None = typer.Option(None, "--actor", help="Who is closing it."),
          reason: str | None = typer.Option(None, "--reason", help="Why, for the history."),
          remember: bool = typer.Option(True, "--memory/--no-memory",
                                        help="Write the closed cycle to the vector memory."),
          org: str | None = ORG_OPTION) -> None:
    """Close a cycle: published objectives close, unpublished ones retire, memory learns it."""
    settings = Settings()
    with open_store(org) as (store, org_id):
        def open_memory() -> Memory:
            from memory import open_memory as open_org

            return open_org(org_id, settings)

        try:
            done = close_cycle_and_remember(store, open_memory if remember else None, org_id,
                                            name, actor or "okr cycle close", reason=reason)
        except MemoryNotUpdated as exc:
            _print_closed(exc.closed)
            err_console.print(f"[bold yellow]warning:[/] {exc}", highlight=False)
            raise typer.Exit(MEMORY_FAILED_EXIT) from None
    _print_closed(done)
    if done.memory is not None:
        m = done.memory
        console.print(f"memory: {m.objectives} objectives and {m.notes} notes of "
                      f"{done.cycle.name} remembered ({m.written} written)", highlight=False)


def _print_closed(done: ClosedCycle) -> None:
    console.print(f"closed cycle [bold]{done.cycle.name}[/]: {done.objectives_closed} "
                  f"objectives closed, {done.objectives_retired} unpublished retired",
                  highlight=False)


_STATE_ORDER = tuple(ObjectiveState)


@cycle_app.command("list")
def list_cycles(org: str | None = ORG_OPTION) -> None:
    """The organisation's cycles, oldest first, with dates, kind, state and objectives."""
    with open_store(org) as (store, org_id):
        cycles = store.list_cycles(org_id)
        states = store.objective_states(org_id)
        current = store.current_cycle(org_id)
    if not cycles:
        console.print(f"organisation {org_id!r} has no cycles yet; run `okr demo` or "
                      "`okr import FILE`")
        return
    table = Table(title=f"{org_id} · cycles")
    for column in ("cycle", "id", "kind", "start", "end", "state", "objectives", "by state"):
        table.add_column(column, justify="right" if column == "objectives" else "left")
    for c in cycles:
        counts = states.get(c.id, {})
        by_state = ", ".join(f"{counts[s]} {s.value}" for s in _STATE_ORDER if counts.get(s))
        state = "closed" if c.closed else "open"
        if current is not None and c.id == current.id and not c.closed:
            state = "open (current)"
        table.add_row(c.name, c.id, c.kind.value, c.start.isoformat(), c.end.isoformat(),
                      state, str(sum(counts.values())), by_state or "-")
    console.print(table)
