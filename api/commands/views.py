"""`okr tree` and `okr health`: the alignment tree and programme health of a cycle.

Rendering (`render_tree`, `render_health`) is kept apart from store access so
it can be shown for any snapshot, and tested without a database.
"""

from __future__ import annotations

from datetime import date

import typer
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from api.cli_app import app, console
from api.commands.store import ORG_OPTION, open_store
from okr.alignment import AlignmentNode, AlignmentTree, alignment_tree, pick_cycle
from okr.errors import NotFoundError
from okr.health import ProgrammeHealth, Ratio, programme_health
from okr.models import OrgSnapshot, Status
from okr.store import Store

__all__ = ["STATUS_COLOURS", "health", "load_cycle", "render_health", "render_tree", "tree"]

STATUS_COLOURS: dict[Status, str] = {
    Status.ON_TRACK: "green",
    Status.AT_RISK: "yellow",
    Status.OFF_TRACK: "red",
}


def _score(score: float, status: Status) -> Text:
    return Text(f"{score:.2f}", style=f"bold {STATUS_COLOURS[status]}")


def _team_names(snapshot: OrgSnapshot) -> dict[str, str]:
    return {t.id: t.name for t in snapshot.teams}


def _add_node(parent: Tree, node: AlignmentNode, teams: dict[str, str]) -> None:
    obj = node.objective
    label = Text.assemble(
        _score(node.score, node.status), "  ", (obj.title, "bold"),
        (f"  [{teams.get(obj.team_id or '', obj.team_id or 'no team')}]", "dim"),
        (f"  {obj.state.value}", "dim italic") if obj.state.value not in ("published", "closed")
        else "",
    )
    branch = parent.add(label)
    for kr in node.key_results:
        branch.add(Text.assemble(_score(kr.score, kr.status), "  ", kr.key_result.text,
                                 (f"  {kr.key_result.id}", "dim")))
    for child in node.children:
        _add_node(branch, child, teams)


def render_tree(snapshot: OrgSnapshot, tree: AlignmentTree) -> RenderableType:
    """The alignment tree with coloured scores, then its gaps, pile-ups and loose ends."""
    teams = _team_names(snapshot)
    state = "closed" if tree.cycle.closed else "in progress"
    root = Tree(Text.assemble((f"{snapshot.organisation.name} — {tree.cycle.name}", "bold"),
                              (f" ({tree.cycle.start} to {tree.cycle.end}, {state})", "dim")))
    for node in tree.roots:
        _add_node(root, node, teams)
    parts: list[RenderableType] = [root]
    for gap in tree.gaps:
        parts.append(Text(f"gap: no team supports “{gap.title}” ({gap.id})", style="red"))
    for pile in tree.over_allocated:
        names = ", ".join(teams.get(t, t) for t in pile.team_ids)
        parts.append(Text(f"over-allocated: {len(pile.team_ids)} teams on "
                          f"“{pile.objective.title}” ({names})", style="yellow"))
    for loose in tree.unaligned:
        parts.append(Text(f"unaligned: “{loose.title}” "
                          f"[{teams.get(loose.team_id or '', loose.team_id)}]", style="dim"))
    return Group(*parts)


def _ratio(r: Ratio) -> str:
    return f"{r.value:.0%} ({r.numerator}/{r.denominator})"


def render_health(snapshot: OrgSnapshot, h: ProgrammeHealth) -> RenderableType:
    """Programme-health figures as a table, each with what it is computed from."""
    table = Table(title=f"Programme health — {snapshot.organisation.name}, {h.cycle.name} "
                        f"as of {h.as_of}")
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    table.add_column("computed from", style="dim")
    table.add_row("adoption", _ratio(h.adoption), h.adoption.basis)
    table.add_row("check-in rate", _ratio(h.check_in_rate), h.check_in_rate.basis)
    table.add_row("alignment coverage", _ratio(h.alignment_coverage), h.alignment_coverage.basis)
    table.add_row("stale key results", str(len(h.stale)),
                  "no check-in for 14 days or more: " + ", ".join(s.kr_id for s in h.stale[:6])
                  + (" …" if len(h.stale) > 6 else ""))
    d = h.scores
    table.add_row("mean score", f"{d.mean:.2f}",
                  f"median {d.median:.2f}; expected by now {h.expected_progress:.2f}")
    table.add_row("on track / at risk / off track",
                  Text.assemble((str(d.on_track), "green"), " / ", (str(d.at_risk), "yellow"),
                                " / ", (str(d.off_track), "red")),
                  f"{d.total} key results by status band")
    table.add_row("gaps", str(len(h.gaps)),
                  "; ".join(g.title for g in h.gaps) or "every company objective is supported")
    table.add_row("over-allocated", str(len(h.over_allocated)),
                  "; ".join(f"{o.objective.title} ({len(o.team_ids)} teams)"
                            for o in h.over_allocated) or "none")
    table.add_row("counts", f"{h.key_results} KRs",
                  f"{h.teams} teams, {h.objectives} objectives, {h.check_ins} check-ins")
    return table


def load_cycle(store: Store, org_id: str, cycle: str | None,
               today: date | None = None) -> tuple[OrgSnapshot, str]:
    """The organisation's snapshot of one cycle (default: the current one) and its id."""
    cycles = store.list_cycles(org_id)
    if not cycles:
        raise NotFoundError(f"organisation {org_id!r} has no cycles yet; "
                            "run `okr demo` or `okr import FILE` first")
    chosen = pick_cycle(cycles, cycle, today)
    return store.load_snapshot(org_id, chosen.id), chosen.id


CYCLE_OPTION = typer.Option(None, "--cycle", "-c", help="Cycle name or id (default: current).")


@app.command()
def tree(cycle: str | None = CYCLE_OPTION, org: str | None = ORG_OPTION) -> None:
    """Show the alignment tree of a cycle with scores and status colours."""
    with open_store(org) as (store, org_id):
        snapshot, cycle_id = load_cycle(store, org_id, cycle)
        console.print(render_tree(snapshot, alignment_tree(snapshot, cycle_id)))


@app.command()
def health(cycle: str | None = CYCLE_OPTION, org: str | None = ORG_OPTION) -> None:
    """Show programme health: adoption, check-in rate, alignment coverage, stale KRs."""
    with open_store(org) as (store, org_id):
        snapshot, cycle_id = load_cycle(store, org_id, cycle)
        console.print(render_health(snapshot, programme_health(snapshot, cycle_id)))
