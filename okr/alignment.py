"""The alignment tree of a cycle, and what it reveals: gaps, pile-ups, loose ends.

Team objectives contribute to company objectives through alignment links
(objective or key result at either end). This module turns those links into a
tree of objectives with their scores rolled up through `okr.scoring`, and
names the company objectives nobody supports (gaps), the objectives too many
teams pile onto (over-allocation) and the team objectives linked to nothing.
Pure functions on an `OrgSnapshot`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from okr.errors import NotFoundError
from okr.models import (
    TRACKED_STATES,
    Cycle,
    KeyResult,
    Level,
    Objective,
    ObjectiveState,
    OrgSnapshot,
    Status,
)
from okr.scoring import kr_score, objective_score, rollup, status_for

__all__ = [
    "DEFAULT_OVER_ALLOCATION_THRESHOLD",
    "AlignmentNode",
    "AlignmentTree",
    "KRScore",
    "OverAllocation",
    "alignment_tree",
    "cycle_objectives",
    "gaps",
    "objective_parents",
    "over_allocation",
    "pick_cycle",
    "select_cycle",
    "supporting_teams",
    "unaligned",
]


#: An objective supported by more teams than this is over-allocated.
DEFAULT_OVER_ALLOCATION_THRESHOLD = 4


@dataclass(frozen=True)
class KRScore:
    """A key result as the tree shows it: its score and status band."""

    key_result: KeyResult
    score: float
    status: Status


@dataclass(frozen=True)
class AlignmentNode:
    """An objective in the tree: its own score (None without key results), rolled-up score."""

    objective: Objective
    key_results: tuple[KRScore, ...]
    own_score: float | None
    score: float
    status: Status
    children: tuple[AlignmentNode, ...]


@dataclass(frozen=True)
class OverAllocation:
    """An objective that more teams than the threshold pile onto."""

    objective: Objective
    team_ids: tuple[str, ...]


@dataclass(frozen=True)
class AlignmentTree:
    """Everything alignment says about one cycle."""

    cycle: Cycle
    roots: tuple[AlignmentNode, ...]
    gaps: tuple[Objective, ...]
    over_allocated: tuple[OverAllocation, ...]
    unaligned: tuple[Objective, ...]


def pick_cycle(cycles: Sequence[Cycle], key: str | None = None,
               today: date | None = None) -> Cycle:
    """The cycle named or identified by `key`; without one, the cycle containing `today`.

    When no cycle contains `today` the latest cycle that started before it is
    used, else the earliest one. The shortest cycle wins when several contain
    the date (a quarter over its year).
    """
    if not cycles:
        raise NotFoundError("the organisation has no cycles yet")
    if key is not None:
        for cycle in cycles:
            if key in (cycle.id, cycle.name):
                return cycle
        names = ", ".join(c.name for c in cycles)
        raise NotFoundError(f"no cycle {key!r}; known cycles: {names}")
    day = today or date.today()
    containing = [c for c in cycles if c.start <= day <= c.end]
    if containing:
        return min(containing, key=lambda c: (c.end - c.start, c.start))
    started = [c for c in cycles if c.start <= day]
    if started:
        return max(started, key=lambda c: (c.start, c.end))
    return min(cycles, key=lambda c: c.start)


def select_cycle(snapshot: OrgSnapshot, key: str | None = None,
                 today: date | None = None) -> Cycle:
    """`pick_cycle` over the snapshot's cycles."""
    return pick_cycle(snapshot.cycles, key, today)


def cycle_objectives(snapshot: OrgSnapshot, cycle_id: str) -> tuple[Objective, ...]:
    """The cycle's objectives that still count (every state but retired), in snapshot order."""
    return tuple(o for o in snapshot.objectives
                 if o.cycle_id == cycle_id and o.state is not ObjectiveState.RETIRED)


def _owner_index(objectives: Iterable[Objective]) -> dict[str, str]:
    """Map every objective and key result id to the id of the objective it belongs to."""
    index: dict[str, str] = {}
    for obj in objectives:
        index[obj.id] = obj.id
        for kr in obj.key_results:
            index[kr.id] = obj.id
    return index


def objective_parents(snapshot: OrgSnapshot, cycle_id: str) -> dict[str, tuple[str, ...]]:
    """Each objective of the cycle mapped to the objectives it contributes to.

    Links between key results count for their objectives; links that leave
    the cycle, point at retired objectives or loop back on themselves are ignored.
    """
    owner = _owner_index(cycle_objectives(snapshot, cycle_id))
    parents: dict[str, list[str]] = {}
    for link in snapshot.alignments:
        if link.org_id != snapshot.organisation.id:
            continue
        child, parent = owner.get(link.child_id), owner.get(link.parent_id)
        if child is None or parent is None or child == parent:
            continue
        bucket = parents.setdefault(child, [])
        if parent not in bucket:
            bucket.append(parent)
    return {child: tuple(ps) for child, ps in parents.items()}


def _children(parents: dict[str, tuple[str, ...]],
              order: dict[str, int]) -> dict[str, tuple[str, ...]]:
    kids: dict[str, list[str]] = {}
    for child, ps in parents.items():
        for parent in ps:
            kids.setdefault(parent, []).append(child)
    return {p: tuple(sorted(cs, key=order.__getitem__)) for p, cs in kids.items()}


def supporting_teams(snapshot: OrgSnapshot, cycle_id: str) -> dict[str, tuple[str, ...]]:
    """Each objective mapped to the other teams whose published objectives align to it directly."""
    objectives = {o.id: o for o in cycle_objectives(snapshot, cycle_id)}
    teams: dict[str, list[str]] = {}
    for child, ps in objective_parents(snapshot, cycle_id).items():
        team = objectives[child].team_id
        if objectives[child].state not in TRACKED_STATES:
            continue
        for parent in ps:
            if team is None or team == objectives[parent].team_id:
                continue
            bucket = teams.setdefault(parent, [])
            if team not in bucket:
                bucket.append(team)
    return {p: tuple(sorted(ts)) for p, ts in teams.items()}


def gaps(snapshot: OrgSnapshot, cycle_id: str) -> tuple[Objective, ...]:
    """Company objectives no published (or closed) team objective supports, even indirectly.

    Drafts and objectives in review do not count yet: a gap closes when a
    team commits to supporting it.
    """
    objectives = cycle_objectives(snapshot, cycle_id)
    by_id = {o.id: o for o in objectives}
    order = {o.id: n for n, o in enumerate(objectives)}
    kids = _children(objective_parents(snapshot, cycle_id), order)

    def supported(node: str, seen: frozenset[str]) -> bool:
        for child in kids.get(node, ()):
            if child in seen:
                continue
            if by_id[child].state not in TRACKED_STATES:
                continue
            if by_id[child].level is not Level.COMPANY or supported(child, seen | {child}):
                return True
        return False

    return tuple(o for o in objectives
                 if o.level is Level.COMPANY and not supported(o.id, frozenset({o.id})))


def over_allocation(
    snapshot: OrgSnapshot, cycle_id: str, threshold: int = DEFAULT_OVER_ALLOCATION_THRESHOLD
) -> tuple[OverAllocation, ...]:
    """Objectives that more than `threshold` teams align to directly, most crowded first."""
    by_id = {o.id: o for o in cycle_objectives(snapshot, cycle_id)}
    crowded = [OverAllocation(by_id[oid], teams)
               for oid, teams in supporting_teams(snapshot, cycle_id).items()
               if len(teams) > threshold]
    return tuple(sorted(crowded, key=lambda x: (-len(x.team_ids), x.objective.id)))


def unaligned(snapshot: OrgSnapshot, cycle_id: str) -> tuple[Objective, ...]:
    """Team objectives of the cycle that contribute to nothing."""
    parents = objective_parents(snapshot, cycle_id)
    return tuple(o for o in cycle_objectives(snapshot, cycle_id)
                 if o.level is Level.TEAM and o.id not in parents)


def _reached(nodes: Iterable[AlignmentNode]) -> set[str]:
    """Ids of every objective in these subtrees (objectives aligned in a loop have no root)."""
    out: set[str] = set()
    stack = list(nodes)
    while stack:
        current = stack.pop()
        out.add(current.objective.id)
        stack.extend(current.children)
    return out


def alignment_tree(snapshot: OrgSnapshot, cycle_id: str, as_of: date | None = None,
                   threshold: int = DEFAULT_OVER_ALLOCATION_THRESHOLD) -> AlignmentTree:
    """The cycle's objectives as a tree, scored at `as_of` (all check-ins when None).

    Roots are objectives that align to nothing, company level first. An
    objective aligned to several parents appears under each. Rolled-up scores
    come from `okr.scoring.rollup`; drafts and objectives in review are shown
    but do not pull their parents' scores down before they are published.
    """
    cycle = select_cycle(snapshot, cycle_id)
    objectives = cycle_objectives(snapshot, cycle.id)
    order = {o.id: n for n, o in enumerate(objectives)}
    by_id = {o.id: o for o in objectives}
    parents = objective_parents(snapshot, cycle.id)
    kids = _children(parents, order)
    own: dict[str, float | None] = {
        o.id: objective_score(o.key_results, as_of) if o.key_results else None
        for o in objectives
    }
    tracked = {o.id for o in objectives if o.state in TRACKED_STATES}
    rolled = rollup(own, {p: tuple(c for c in cs if c in tracked) for p, cs in kids.items()})

    def node(oid: str, path: frozenset[str]) -> AlignmentNode:
        obj = by_id[oid]
        krs = tuple(KRScore(kr, s, status_for(s))
                    for kr in obj.key_results for s in (kr_score(kr, as_of),))
        children = tuple(node(c, path | {c}) for c in kids.get(oid, ()) if c not in path)
        score = rolled.get(oid, 0.0)
        return AlignmentNode(obj, krs, own[oid], score, status_for(score), children)

    level_rank = {Level.COMPANY: 0, Level.TEAM: 1, Level.INDIVIDUAL: 2}
    root_ids = sorted((o.id for o in objectives if o.id not in parents),
                      key=lambda i: (level_rank[by_id[i].level], order[i]))
    roots = [node(r, frozenset({r})) for r in root_ids]
    seen = _reached(roots)
    for obj in objectives:
        if obj.id not in seen:
            roots.append(node(obj.id, frozenset({obj.id})))
            seen |= _reached(roots[-1:])
    return AlignmentTree(
        cycle=cycle,
        roots=tuple(roots),
        gaps=gaps(snapshot, cycle.id),
        over_allocated=over_allocation(snapshot, cycle.id, threshold),
        unaligned=unaligned(snapshot, cycle.id),
    )
