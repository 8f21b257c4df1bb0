"""Read-only, organisation-scoped views of the store that agents and commands reason over.

The risk radar works on the quarter file of docs/spec/risk.md; `cycle_view`
builds one from the store for a cycle as of a date (check-ins after that
date left out) and keeps, next to it, what the radar's followers need: who
owns each key result, which team it belongs to, who leads each team, and
which key results depend on which. Ids are the store's own, so anything
found can be written back (with approval) to the same key result.

Every read takes the organisation and goes through `Store` methods that
filter by it; nothing here writes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from okr.errors import NotFoundError
from okr.models import (
    TRACKED_STATES,
    CheckIn,
    Cycle,
    Direction,
    KeyResult,
    KRKind,
    Objective,
    ObjectiveState,
    Person,
    Team,
)
from okr.quarter import QuarterFile
from okr.store import Store

__all__ = [
    "CycleView",
    "Note",
    "UpstreamLink",
    "cycle_view",
    "lowest_common_team",
    "quarter_view",
    "resolve_cycle",
]

#: Objectives whose key results the radar reads: those being worked on (or finished).


@dataclass(frozen=True)
class Note:
    """One non-empty check-in note: untrusted text, to be handed to models as data."""

    kr_id: str
    date: date
    text: str


@dataclass(frozen=True)
class UpstreamLink:
    """One key result up a dependency chain, with who owns it and where it sits."""

    kr_id: str
    depth: int
    via: str
    owner_id: str | None
    team_id: str | None


@dataclass(frozen=True)
class CycleView:
    """A cycle as of a date: the radar's quarter file plus owners, teams and dependencies."""

    org_id: str
    cycle: Cycle
    as_of: date
    quarter: QuarterFile
    key_results: Mapping[str, KeyResult]
    objectives: Mapping[str, Objective]
    teams: Mapping[str, Team]
    people: Mapping[str, Person]
    depends_on: Mapping[str, tuple[str, ...]]
    skipped: tuple[str, ...] = ()
    dependents: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def team_of(self, kr_id: str) -> str | None:
        """The team whose objective holds the key result."""
        return self.objectives[self.key_results[kr_id].objective_id].team_id

    def owner_of(self, kr_id: str) -> str | None:
        return self.key_results[kr_id].owner_id

    def person_name(self, person_id: str | None) -> str:
        """A person's name, or their id when unknown, or "nobody"."""
        if person_id is None:
            return "nobody"
        person = self.people.get(person_id)
        return person.name if person is not None else person_id

    def team_name(self, team_id: str | None) -> str:
        if team_id is None:
            return "no team"
        team = self.teams.get(team_id)
        return team.name if team is not None else team_id

    def team_lead(self, team_id: str | None) -> str | None:
        """Who leads a team: the usual owner of its objectives this cycle, else its first member.

        Owners who are members of the team come first (a company objective
        may be owned by a department's lead, who does not lead the company).
        """
        if team_id is None:
            return None
        owners = Counter(o.owner_id for o in self.objectives.values()
                         if o.team_id == team_id and o.owner_id is not None)
        members_owning = Counter({pid: n for pid, n in owners.items()
                                  if pid in self.people and self.people[pid].team_id == team_id})
        owners = members_owning or owners
        if owners:
            return sorted(owners.items(), key=lambda item: (-item[1], item[0] or ""))[0][0]
        members = sorted(p.id for p in self.people.values() if p.team_id == team_id)
        return members[0] if members else None

    def check_ins(self, kr_id: str) -> list[CheckIn]:
        """The key result's check-ins up to `as_of`, oldest first."""
        return sorted((c for c in self.key_results[kr_id].check_ins
                       if c.at.date() <= self.as_of), key=lambda c: c.at)

    def notes(self, kr_id: str, limit: int = 5) -> list[Note]:
        """The latest non-empty notes of a key result up to `as_of`, oldest first."""
        notes = [Note(kr_id, c.at.date(), c.note.strip()) for c in self.check_ins(kr_id)
                 if c.note.strip()]
        return notes[-limit:] if limit > 0 else []

    def upstream(self, kr_id: str) -> list[UpstreamLink]:
        """Every key result up the dependency chain, nearest first; cycles end."""
        out: list[UpstreamLink] = []
        seen = {kr_id}
        frontier = [(kr_id, up) for up in self.depends_on.get(kr_id, ())]
        depth = 1
        while frontier:
            nxt: list[tuple[str, str]] = []
            for via, node in frontier:
                if node in seen or node not in self.key_results:
                    continue
                seen.add(node)
                out.append(UpstreamLink(node, depth, via, self.owner_of(node),
                                        self.team_of(node)))
                nxt.extend((node, up) for up in self.depends_on.get(node, ()))
            frontier, depth = nxt, depth + 1
        return out


def lowest_common_team(teams: Mapping[str, Team], a: str | None, b: str | None) -> str | None:
    """The lowest team that both `a` and `b` sit under (either may be it); None if none."""
    if a is None or b is None:
        return None
    ancestors: list[str] = []
    node: str | None = a
    while node is not None and node in teams and node not in ancestors:
        ancestors.append(node)
        node = teams[node].parent_id
    seen: set[str] = set()
    node = b
    while node is not None and node in teams and node not in seen:
        if node in ancestors:
            return node
        seen.add(node)
        node = teams[node].parent_id
    return None


def resolve_cycle(store: Store, org_id: str, cycle: str | None = None,
                  today: datetime | None = None) -> Cycle:
    """The cycle named (id or name), else the organisation's current one."""
    if cycle is not None:
        return store.get_cycle(org_id, cycle)
    current = store.current_cycle(org_id, today)
    if current is None:
        raise NotFoundError(f"organisation {org_id!r} has no cycles yet (try `okr demo` or "
                            "`okr import`)")
    return current


def _default_as_of(cycle: Cycle, today: date) -> date:
    return min(max(today, cycle.start), cycle.end)


def cycle_view(store: Store, org_id: str, cycle: str | None = None,
               as_of: date | None = None) -> CycleView:
    """The cycle (default: current) as of `as_of` (default: today, kept inside the cycle).

    Key results of objectives that are not published or closed (drafts, in
    review, retired) are left out, as are key results with no target; their
    ids are listed in `skipped`. Currency key results are read as metrics.
    """
    found = resolve_cycle(store, org_id, cycle)
    day = as_of or _default_as_of(found, datetime.now(UTC).date())
    snapshot = store.load_snapshot(org_id, found.id)
    teams = {t.id: t for t in snapshot.teams}
    people = {p.id: p for p in snapshot.people}
    objectives: dict[str, Objective] = {}
    key_results: dict[str, KeyResult] = {}
    skipped: list[str] = []
    for o in snapshot.objectives:
        if o.state not in TRACKED_STATES or o.team_id is None or o.team_id not in teams:
            skipped.extend(k.id for k in o.key_results)
            continue
        objectives[o.id] = o
        for k in o.key_results:
            if k.target is None and k.kind is not KRKind.MILESTONE:
                skipped.append(k.id)
                continue
            key_results[k.id] = k
    deps: dict[str, list[str]] = defaultdict(list)
    for d in snapshot.dependencies:
        if d.kr_id in key_results and d.upstream_kr_id in key_results:
            deps[d.kr_id].append(d.upstream_kr_id)
    dependents: dict[str, list[str]] = defaultdict(list)
    for down, ups in deps.items():
        for up in ups:
            dependents[up].append(down)
    quarter = _quarter(found, day, teams, objectives, key_results, deps)
    return CycleView(org_id=org_id, cycle=found, as_of=day, quarter=quarter,
                     key_results=key_results, objectives=objectives, teams=teams,
                     people=people, depends_on={k: tuple(v) for k, v in deps.items()},
                     skipped=tuple(skipped),
                     dependents={k: tuple(v) for k, v in dependents.items()})


def quarter_view(quarter: QuarterFile, org_id: str = "file") -> CycleView:
    """A quarter file read as a cycle view (no store): owners are known by id only.

    Used when the radar runs over a file; team leads fall back to the first
    owner seen in a team, people's names are their ids.
    """
    cycle = Cycle("file", org_id, quarter.cycle.name, quarter.cycle.start, quarter.cycle.end)
    teams = {t.id: Team(t.id, org_id, t.name, t.parent) for t in quarter.teams}
    objective_team = {o.id: o.team for o in quarter.objectives}
    owners = sorted({k.owner for k in quarter.key_results if k.owner is not None})
    first_owner: dict[str, str] = {}
    for k in quarter.key_results:
        if k.owner is not None:
            first_owner.setdefault(objective_team[k.objective], k.owner)
    people = {pid: Person(pid, org_id, pid) for pid in owners}
    objectives: dict[str, Objective] = {}
    key_results: dict[str, KeyResult] = {}
    for o in quarter.objectives:
        objectives[o.id] = Objective(o.id, org_id, cycle.id, o.title, o.team,
                                     owner_id=first_owner.get(o.team),
                                     state=ObjectiveState.PUBLISHED)
    for k in quarter.key_results:
        check_ins = tuple(CheckIn(k.id, datetime.combine(c.date, datetime.min.time(), UTC),
                                  float(c.value), c.confidence, c.note, k.owner)
                          for c in k.check_ins)
        key_results[k.id] = KeyResult(k.id, org_id, k.objective, k.text, KRKind(k.kind),
                                      Direction(k.direction), float(k.baseline),
                                      float(k.target), None, k.unit or "", k.owner,
                                      check_ins=check_ins)
    deps = {k.id: tuple(k.depends_on) for k in quarter.key_results if k.depends_on}
    dependents: dict[str, list[str]] = defaultdict(list)
    for down, ups in deps.items():
        for up in ups:
            dependents[up].append(down)
    return CycleView(org_id=org_id, cycle=cycle, as_of=quarter.as_of, quarter=quarter,
                     key_results=key_results, objectives=objectives, teams=teams,
                     people=people, depends_on=deps,
                     dependents={k: tuple(v) for k, v in dependents.items()})


def _quarter(cycle: Cycle, as_of: date, teams: Mapping[str, Team],
             objectives: Mapping[str, Objective], key_results: Mapping[str, KeyResult],
             deps: Mapping[str, Sequence[str]]) -> QuarterFile:
    data = {
        "cycle": {"name": cycle.name, "start": cycle.start, "end": cycle.end},
        "as_of": as_of,
        "teams": [{"id": t.id, "name": t.name,
                   "parent": t.parent_id if t.parent_id in teams else None}
                  for t in teams.values()],
        "objectives": [{"id": o.id, "team": o.team_id, "title": o.title, "parent": None}
                       for o in objectives.values()],
        "key_results": [_quarter_kr(k, as_of, deps.get(k.id, ())) for k in key_results.values()],
    }
    return QuarterFile.model_validate(data)


def _quarter_kr(k: KeyResult, as_of: date, deps: Sequence[str]) -> dict[str, object]:
    milestone = k.kind is KRKind.MILESTONE
    baseline = k.baseline if k.baseline is not None else 0
    target = k.target if k.target is not None else (1 if milestone else 0)
    check_ins = sorted((c for c in k.check_ins if c.at.date() <= as_of), key=lambda c: c.at)
    return {
        "id": k.id, "objective": k.objective_id, "owner": k.owner_id, "text": k.text,
        "kind": "metric" if k.kind is KRKind.CURRENCY else k.kind.value,
        "direction": k.direction.value, "baseline": baseline, "target": target,
        "unit": k.unit or None, "depends_on": list(deps),
        "check_ins": [{"date": c.at.date(), "value": c.value, "confidence": c.confidence,
                       "note": c.note} for c in check_ins],
    }
