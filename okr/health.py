"""Programme health: is the OKR practice itself alive in a cycle?

Adoption, check-in rate, alignment coverage, stale key results and the
spread of scores are what tell a programme owner whether OKRs are used or
just written. Each figure is returned with the counts it is computed from
and a line saying how, so that reports can show their working. Pure
functions on an `OrgSnapshot`.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from okr.alignment import (
    DEFAULT_OVER_ALLOCATION_THRESHOLD,
    OverAllocation,
    cycle_objectives,
    gaps,
    objective_parents,
    over_allocation,
    select_cycle,
)
from okr.models import TRACKED_STATES, Cycle, KeyResult, Level, Objective, OrgSnapshot, Status
from okr.scoring import (
    STALE_AFTER_DAYS,
    expected_progress,
    kr_score,
    latest_check_in,
    status_for,
)

__all__ = [
    "CHECK_IN_WINDOW_DAYS",
    "STALE_AFTER_DAYS",
    "ProgrammeHealth",
    "Ratio",
    "ScoreDistribution",
    "StaleKR",
    "active_objectives",
    "programme_health",
    "working_teams",
]

#: A key result checked in at most this many days ago counts as checked in this week.
CHECK_IN_WINDOW_DAYS = 7


@dataclass(frozen=True)
class Ratio:
    """A share with its working: `numerator` of `denominator`, and what both count."""

    numerator: int
    denominator: int
    basis: str

    @property
    def value(self) -> float:
        """The share 0..1; 0 when there is nothing to count."""
        return self.numerator / self.denominator if self.denominator else 0.0


@dataclass(frozen=True)
class StaleKR:
    """A key result nobody has checked in on lately; `days_since` is None when never."""

    kr_id: str
    objective_id: str
    owner_id: str | None
    days_since: int | None


@dataclass(frozen=True)
class ScoreDistribution:
    """How active key results score at the date: status bands, tenths, mean and median."""

    on_track: int
    at_risk: int
    off_track: int
    histogram: tuple[int, ...]
    mean: float
    median: float

    @property
    def total(self) -> int:
        return self.on_track + self.at_risk + self.off_track


@dataclass(frozen=True)
class ProgrammeHealth:
    """Every programme-health figure of one cycle at one date."""

    cycle: Cycle
    as_of: date
    expected_progress: float
    adoption: Ratio
    check_in_rate: Ratio
    alignment_coverage: Ratio
    stale: tuple[StaleKR, ...]
    scores: ScoreDistribution
    gaps: tuple[Objective, ...]
    over_allocated: tuple[OverAllocation, ...]
    teams: int
    objectives: int
    key_results: int
    check_ins: int


def working_teams(snapshot: OrgSnapshot) -> tuple[str, ...]:
    """Ids of teams that hold no other team: the ones expected to write OKRs."""
    parents = {t.parent_id for t in snapshot.teams if t.parent_id is not None}
    return tuple(t.id for t in snapshot.teams if t.id not in parents)


def active_objectives(snapshot: OrgSnapshot, cycle_id: str) -> tuple[Objective, ...]:
    """The cycle's objectives that are being worked on or were: published or closed."""
    return tuple(o for o in cycle_objectives(snapshot, cycle_id) if o.state in TRACKED_STATES)


def _days_since(kr: KeyResult, as_of: date) -> int | None:
    last = latest_check_in(kr.check_ins, as_of)
    return None if last is None else (as_of - last.at.date()).days


def _distribution(scores: list[float]) -> ScoreDistribution:
    bands = [status_for(s) for s in scores]
    histogram = [0] * 10
    for s in scores:
        histogram[min(9, int(s * 10))] += 1
    return ScoreDistribution(
        on_track=bands.count(Status.ON_TRACK),
        at_risk=bands.count(Status.AT_RISK),
        off_track=bands.count(Status.OFF_TRACK),
        histogram=tuple(histogram),
        mean=statistics.fmean(scores) if scores else 0.0,
        median=statistics.median(scores) if scores else 0.0,
    )


def _reaching_company(snapshot: OrgSnapshot, cycle_id: str) -> set[str]:
    """Ids of the cycle's objectives whose links lead, in one or more steps, to a company one."""
    levels = {o.id: o.level for o in cycle_objectives(snapshot, cycle_id)}
    parents = objective_parents(snapshot, cycle_id)
    reaching: set[str] = set()
    for start in parents:
        frontier, seen = list(parents[start]), {start}
        while frontier:
            current = frontier.pop()
            if current in seen:
                continue
            seen.add(current)
            if levels[current] is Level.COMPANY:
                reaching.add(start)
                break
            frontier.extend(parents.get(current, ()))
    return reaching


def programme_health(
    snapshot: OrgSnapshot,
    cycle_id: str | None = None,
    as_of: date | None = None,
    threshold: int = DEFAULT_OVER_ALLOCATION_THRESHOLD,
) -> ProgrammeHealth:
    """Programme health of a cycle (default: the one containing `as_of`) at `as_of`.

    `as_of` defaults to today and never goes past the cycle's last day: a
    finished cycle is judged as it stood when it ended. Only published and
    closed objectives count: drafts are not yet a programme. Check-ins after
    `as_of` are ignored.
    """
    cycle = select_cycle(snapshot, cycle_id, as_of or date.today())
    day = min(as_of or date.today(), cycle.end)
    objectives = active_objectives(snapshot, cycle.id)
    krs = [kr for o in objectives for kr in o.key_results]
    teams = working_teams(snapshot)
    adopted = {o.team_id for o in objectives} & set(teams)

    since = {kr.id: _days_since(kr, day) for kr in krs}
    recent = [kr for kr in krs if (d := since[kr.id]) is not None and d <= CHECK_IN_WINDOW_DAYS]
    cycle_age = (day - cycle.start).days
    stale = tuple(
        StaleKR(kr.id, kr.objective_id, kr.owner_id, since[kr.id])
        for kr in krs
        if (since[kr.id] is None and cycle_age >= STALE_AFTER_DAYS)
        or (since[kr.id] or 0) >= STALE_AFTER_DAYS
    )

    team_objectives = [o for o in objectives if o.level is Level.TEAM]
    linked = _reaching_company(snapshot, cycle.id)
    covered = [o for o in team_objectives if o.id in linked]

    return ProgrammeHealth(
        cycle=cycle,
        as_of=day,
        expected_progress=expected_progress(cycle.start, cycle.end, day),
        adoption=Ratio(len(adopted), len(teams),
                       "teams (those with no sub-teams) with a published or closed objective"),
        check_in_rate=Ratio(len(recent), len(krs),
                            f"key results checked in within the last {CHECK_IN_WINDOW_DAYS} days"),
        alignment_coverage=Ratio(len(covered), len(team_objectives),
                                 "team objectives aligned, directly or through others, "
                                 "to a company objective"),
        stale=stale,
        scores=_distribution([kr_score(kr, day) for kr in krs]),
        gaps=gaps(snapshot, cycle.id),
        over_allocated=over_allocation(snapshot, cycle.id, threshold),
        teams=len(teams),
        objectives=len(objectives),
        key_results=len(krs),
        check_ins=sum(1 for kr in krs for c in kr.check_ins if c.at.date() <= day),
    )
