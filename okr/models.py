"""The OKR domain as plain typed values.

These dataclasses are what the rest of the project reasons about: scoring,
alignment, health, quality and risk take and return them. The store maps them
to and from database rows; nothing here knows about SQL, HTTP or models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class CycleKind(StrEnum):
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    CUSTOM = "custom"


class Level(StrEnum):
    COMPANY = "company"
    TEAM = "team"
    INDIVIDUAL = "individual"


class ObjectiveState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    CLOSED = "closed"
    RETIRED = "retired"


class Visibility(StrEnum):
    PUBLIC = "public"
    RESTRICTED = "restricted"


class KRKind(StrEnum):
    METRIC = "metric"
    PERCENT = "percent"
    CURRENCY = "currency"
    MILESTONE = "milestone"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class CheckInSource(StrEnum):
    MANUAL = "manual"
    CONNECTOR = "connector"
    API = "api"
    IMPORT = "import"


class Status(StrEnum):
    """Status bands of a graded cycle (see `okr.scoring.status_for`)."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


#: Allowed state changes of an objective; anything else is refused.
STATE_TRANSITIONS: dict[ObjectiveState, frozenset[ObjectiveState]] = {
    ObjectiveState.DRAFT: frozenset({ObjectiveState.IN_REVIEW, ObjectiveState.PUBLISHED,
                                     ObjectiveState.RETIRED}),
    ObjectiveState.IN_REVIEW: frozenset({ObjectiveState.DRAFT, ObjectiveState.PUBLISHED,
                                         ObjectiveState.RETIRED}),
    ObjectiveState.PUBLISHED: frozenset({ObjectiveState.CLOSED, ObjectiveState.RETIRED}),
    ObjectiveState.CLOSED: frozenset(),
    ObjectiveState.RETIRED: frozenset(),
}


#: Objectives that count as real work (being pursued, or finished and scored):
#: drafts and retired ones are left out of scores, health and the radar.
TRACKED_STATES: frozenset[ObjectiveState] = frozenset(
    {ObjectiveState.PUBLISHED, ObjectiveState.CLOSED}
)


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str


@dataclass(frozen=True)
class Team:
    id: str
    org_id: str
    name: str
    parent_id: str | None = None
    function: str | None = None


@dataclass(frozen=True)
class Person:
    id: str
    org_id: str
    name: str
    email: str | None = None
    team_id: str | None = None


@dataclass(frozen=True)
class Cycle:
    id: str
    org_id: str
    name: str
    start: date
    end: date
    kind: CycleKind = CycleKind.QUARTER
    parent_id: str | None = None
    closed: bool = False


@dataclass(frozen=True)
class CheckIn:
    kr_id: str
    at: datetime
    value: float
    confidence: float | None = None
    note: str = ""
    author_id: str | None = None
    source: CheckInSource = CheckInSource.MANUAL
    id: str | None = None


@dataclass(frozen=True)
class KeyResult:
    id: str
    org_id: str
    objective_id: str
    text: str
    kind: KRKind = KRKind.METRIC
    direction: Direction = Direction.INCREASE
    baseline: float | None = None
    target: float | None = None
    current: float | None = None
    unit: str = ""
    owner_id: str | None = None
    weight: float | None = None
    check_ins: tuple[CheckIn, ...] = ()


@dataclass(frozen=True)
class Objective:
    id: str
    org_id: str
    cycle_id: str
    title: str
    team_id: str | None = None
    level: Level = Level.TEAM
    owner_id: str | None = None
    state: ObjectiveState = ObjectiveState.DRAFT
    visibility: Visibility = Visibility.PUBLIC
    key_results: tuple[KeyResult, ...] = field(default=())


@dataclass(frozen=True)
class AlignmentLink:
    """`child` contributes to `parent`; each end is an objective or a key result id."""

    org_id: str
    child_id: str
    parent_id: str


@dataclass(frozen=True)
class Dependency:
    """`kr_id` depends on `upstream_kr_id` (usually another team's key result)."""

    org_id: str
    kr_id: str
    upstream_kr_id: str


@dataclass(frozen=True)
class HistoryEntry:
    org_id: str
    entity: str
    entity_id: str
    action: str
    actor: str | None
    at: datetime
    before: dict[str, object] | None
    after: dict[str, object] | None
    reason: str | None = None


@dataclass(frozen=True)
class OrgSnapshot:
    """Everything an organisation holds (or one cycle of it), as plain values.

    It is what the store saves and loads in bulk, what the demo generator and
    importers produce, and what alignment, health, risk and reviews read.
    """

    organisation: Organisation
    teams: tuple[Team, ...] = ()
    people: tuple[Person, ...] = ()
    cycles: tuple[Cycle, ...] = ()
    objectives: tuple[Objective, ...] = ()
    alignments: tuple[AlignmentLink, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
