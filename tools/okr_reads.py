"""Typed, organisation-scoped reads the drafter grounds its drafts on.

A draft is only as honest as its numbers: a key result's baseline must be
the value the team's metric stands at now, and a target should reflect how
far that metric has actually moved in past quarters. These reads turn the
store into exactly those facts: the team's metrics with their latest
check-in (`team_metrics`), what the team set and reached in closed cycles
(`past_objectives`), the company objectives a team can support
(`company_objectives`, `find_parent`) and the notes people wrote when the
last cycle closed (`closing_notes`).

Every function takes the organisation and reads through `Store` methods that
filter by it; nothing here writes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from okr.errors import NotFoundError
from okr.models import Cycle, Direction, KeyResult, KRKind, Level, Objective
from okr.scoring import current_value, kr_score, latest_check_in, objective_score
from okr.store import Store

__all__ = [
    "ClosingNote",
    "MetricReading",
    "ParentKR",
    "ParentOKR",
    "PastKR",
    "PastObjective",
    "company_objectives",
    "find_parent",
    "metric_key",
    "metric_label",
    "past_objectives",
    "team_metrics",
    "team_objective_count",
]

_FROM = re.compile(r"^(?P<label>.*?)\s+from\s+[-+]?[$€£]?\s?\d", re.IGNORECASE)


def metric_label(text: str) -> str:
    """The metric a key result measures: its text before "from X to Y" (else the text)."""
    m = _FROM.match(text)
    label = m.group("label") if m else text
    return label.strip(" .,:;") or text.strip()


def metric_key(label: str) -> str:
    """A normalised form of a metric label, to match the same metric across cycles."""
    return " ".join(re.findall(r"[a-z0-9]+", label.lower()))


@dataclass(frozen=True)
class MetricReading:
    """One of a team's metrics as its latest check-in shows it.

    `current` is the value of the last check-in (the key result's `current`
    field when it has none) and `as_of` that check-in's date (None when the
    value was never checked in).
    """

    kr_id: str
    objective_id: str
    objective_title: str
    metric: str
    unit: str
    kind: KRKind
    direction: Direction
    current: float | None
    as_of: date | None
    baseline: float | None
    target: float | None
    cycle: str
    parents: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return metric_key(self.metric)


@dataclass(frozen=True)
class PastKR:
    """A key result of a closed cycle: what was planned, where it ended, its closing note."""

    kr_id: str
    metric: str
    unit: str
    direction: Direction
    baseline: float | None
    target: float | None
    final: float | None
    score: float
    cycle: str
    note: str = ""

    @property
    def key(self) -> str:
        return metric_key(self.metric)

    @property
    def moved(self) -> float | None:
        """How far the metric moved over the cycle in its good direction (negative: backwards)."""
        if self.final is None or self.baseline is None:
            return None
        change = self.final - self.baseline
        return change if self.direction is Direction.INCREASE else -change

    @property
    def planned(self) -> float | None:
        """How far the target asked it to move, in its good direction."""
        if self.target is None or self.baseline is None:
            return None
        change = self.target - self.baseline
        return change if self.direction is Direction.INCREASE else -change


@dataclass(frozen=True)
class PastObjective:
    """A closed objective of the team with its final score and key results."""

    id: str
    title: str
    cycle: str
    score: float
    key_results: tuple[PastKR, ...]
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParentKR:
    id: str
    text: str
    current: float | None
    target: float | None
    unit: str


@dataclass(frozen=True)
class ParentOKR:
    """An objective (usually a company one) that team objectives can align to."""

    id: str
    title: str
    cycle: str
    level: Level
    key_results: tuple[ParentKR, ...]


@dataclass(frozen=True)
class ClosingNote:
    """The last note written on a key result when its cycle closed (untrusted text)."""

    kr_id: str
    metric: str
    cycle: str
    score: float
    text: str


def _parents_of(store: Store, org_id: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = defaultdict(list)
    for link in store.alignments(org_id):
        out[link.child_id].append(link.parent_id)
    return {k: tuple(v) for k, v in out.items()}


def _cycles(store: Store, org_id: str) -> dict[str, Cycle]:
    return {c.id: c for c in store.list_cycles(org_id)}


def _by_cycle(objectives: Sequence[Objective]) -> dict[str, list[Objective]]:
    out: dict[str, list[Objective]] = defaultdict(list)
    for o in objectives:
        out[o.cycle_id].append(o)
    return out


def team_metrics(store: Store, org_id: str, team_id: str,
                 today: date | None = None) -> list[MetricReading]:
    """The team's measurable key results, newest cycle first, as metrics with their last value.

    Cycles starting after `today` (when given) and cycles with no check-ins
    are skipped. The newest cycle's key results come first; a metric the
    team stopped tracking is still offered from the last cycle that had it
    (its reading says when). Milestones are left out: they have no value to
    start a new target from. A metric keeps its newest reading.
    """
    cycles = _cycles(store, org_id)
    parents = _parents_of(store, org_id)
    grouped = _by_cycle(store.list_objectives(org_id, team_id=team_id))
    ordered = sorted((cycles[cid] for cid in grouped if cid in cycles),
                     key=lambda c: c.start, reverse=True)
    readings: list[MetricReading] = []
    seen: set[str] = set()
    for cycle in ordered:
        if today is not None and cycle.start > today:
            continue
        objectives = grouped[cycle.id]
        if not any(k.check_ins for o in objectives for k in o.key_results):
            continue
        for o in objectives:
            for kr in o.key_results:
                reading = _reading(kr, o, cycle, parents, today)
                if reading is None or reading.key in seen:
                    continue
                seen.add(reading.key)
                readings.append(reading)
    return readings


def _reading(kr: KeyResult, objective: Objective, cycle: Cycle,
             parents: dict[str, tuple[str, ...]], today: date | None) -> MetricReading | None:
    if kr.kind is KRKind.MILESTONE:
        return None
    last = latest_check_in(kr.check_ins, today)
    value = last.value if last is not None else current_value(kr, today)
    return MetricReading(
        kr_id=kr.id, objective_id=objective.id, objective_title=objective.title,
        metric=metric_label(kr.text), unit=kr.unit, kind=kr.kind, direction=kr.direction,
        current=value, as_of=last.at.date() if last is not None else None,
        baseline=kr.baseline, target=kr.target, cycle=cycle.name,
        parents=parents.get(objective.id, ()) + parents.get(kr.id, ()))


def past_objectives(store: Store, org_id: str, team_id: str,
                    limit_cycles: int = 4) -> list[PastObjective]:
    """The team's objectives of its last `limit_cycles` closed cycles, newest cycle first."""
    cycles = _cycles(store, org_id)
    parents = _parents_of(store, org_id)
    grouped = _by_cycle(store.list_objectives(org_id, team_id=team_id))
    closed = sorted((cycles[cid] for cid in grouped if cid in cycles and cycles[cid].closed),
                    key=lambda c: c.start, reverse=True)[:limit_cycles]
    out: list[PastObjective] = []
    for cycle in closed:
        for o in grouped[cycle.id]:
            krs = tuple(_past_kr(k, cycle) for k in o.key_results)
            out.append(PastObjective(o.id, o.title, cycle.name,
                                     objective_score(o.key_results, cycle.end), krs,
                                     parents.get(o.id, ())))
    return out


def _past_kr(kr: KeyResult, cycle: Cycle) -> PastKR:
    last = latest_check_in(kr.check_ins, cycle.end)
    return PastKR(kr_id=kr.id, metric=metric_label(kr.text), unit=kr.unit,
                  direction=kr.direction, baseline=kr.baseline, target=kr.target,
                  final=current_value(kr, cycle.end), score=kr_score(kr, cycle.end),
                  cycle=cycle.name, note=last.note.strip() if last is not None else "")


def closing_notes(store: Store, org_id: str, team_id: str) -> list[ClosingNote]:
    """The notes on the team's key results when its most recent closed cycle ended."""
    past = past_objectives(store, org_id, team_id, limit_cycles=1)
    return [ClosingNote(k.kr_id, k.metric, k.cycle, k.score, k.note)
            for o in past for k in o.key_results if k.note]


def _parent(o: Objective, cycle: Cycle) -> ParentOKR:
    return ParentOKR(o.id, o.title, cycle.name, o.level, tuple(
        ParentKR(k.id, k.text, current_value(k), k.target, k.unit) for k in o.key_results))


def company_objectives(store: Store, org_id: str, cycle_ref: str | None = None,
                       today: date | None = None) -> list[ParentOKR]:
    """Company-level objectives a team can support.

    Those of `cycle_ref` when it has some; otherwise those of the newest
    cycle starting on or before `today` that has company objectives (a cycle
    being drafted usually has none yet).
    """
    cycles = sorted(store.list_cycles(org_id), key=lambda c: c.start, reverse=True)
    if cycle_ref is not None:
        wanted = [c for c in cycles if cycle_ref in (c.id, c.name)]
        others = [c for c in cycles if c not in wanted]
        cycles = wanted + others
    for cycle in cycles:
        if today is not None and cycle.start > today and cycle_ref not in (cycle.id, cycle.name):
            continue
        company = [o for o in store.list_objectives(org_id, cycle.id)
                   if o.level is Level.COMPANY]
        if company:
            return [_parent(o, cycle) for o in company]
    return []


def find_parent(store: Store, org_id: str, ref: str) -> ParentOKR:
    """The objective with id `ref`, or the objective holding key result `ref`."""
    found = store.find(org_id, ref)
    objective = found if isinstance(found, Objective) else store.get_objective(
        org_id, found.objective_id)
    cycle = store.get_cycle(org_id, objective.cycle_id)
    return _parent(objective, cycle)


def team_objective_count(store: Store, org_id: str, team_id: str, cycle_ref: str) -> int:
    """How many objectives the team already holds in a cycle (0 when the cycle is new)."""
    try:
        return len(store.list_objectives(org_id, cycle_ref, team_id))
    except NotFoundError:
        return 0
