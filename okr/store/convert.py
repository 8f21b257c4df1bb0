"""Rows to domain dataclasses and back, in one place."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, fields
from datetime import date, datetime
from enum import Enum
from typing import Any

from okr.models import (
    CheckIn,
    CheckInSource,
    Cycle,
    CycleKind,
    Direction,
    KeyResult,
    KRKind,
    Level,
    Objective,
    ObjectiveState,
    Organisation,
    Person,
    Team,
    Visibility,
)
from okr.store.schema import (
    CheckInRow,
    CycleRow,
    KeyResultRow,
    ObjectiveRow,
    OrganisationRow,
    PersonRow,
    TeamRow,
)


def organisation(row: OrganisationRow) -> Organisation:
    return Organisation(id=row.id, name=row.name)


def team(row: TeamRow) -> Team:
    return Team(id=row.id, org_id=row.org_id, name=row.name, parent_id=row.parent_id,
                function=row.function)


def person(row: PersonRow) -> Person:
    return Person(id=row.id, org_id=row.org_id, name=row.name, email=row.email,
                  team_id=row.team_id)


def cycle(row: CycleRow) -> Cycle:
    return Cycle(id=row.id, org_id=row.org_id, name=row.name, start=row.start, end=row.end,
                 kind=CycleKind(row.kind), parent_id=row.parent_id, closed=row.closed)


def check_in(row: CheckInRow | Any) -> CheckIn:
    """From an ORM row or a plain result row with the same columns."""
    return CheckIn(kr_id=row.kr_id, at=row.at, value=row.value, confidence=row.confidence,
                   note=row.note, author_id=row.author_id, source=CheckInSource(row.source),
                   id=str(row.id))


def key_result(row: KeyResultRow | Any, check_ins: Iterable[CheckInRow | Any] = ()) -> KeyResult:
    """From an ORM row or a plain result row with the same columns."""
    ordered = sorted(check_ins, key=lambda c: (c.at, c.position, c.id))
    return KeyResult(
        id=row.id, org_id=row.org_id, objective_id=row.objective_id, text=row.text,
        kind=KRKind(row.kind), direction=Direction(row.direction), baseline=row.baseline,
        target=row.target, current=row.current, unit=row.unit or "", owner_id=row.owner_id,
        weight=row.weight, check_ins=tuple(check_in(c) for c in ordered),
    )


def objective(row: ObjectiveRow, key_results: Sequence[KeyResult] = ()) -> Objective:
    return Objective(
        id=row.id, org_id=row.org_id, cycle_id=row.cycle_id, title=row.title,
        team_id=row.team_id, level=Level(row.level), owner_id=row.owner_id,
        state=ObjectiveState(row.state), visibility=Visibility(row.visibility),
        key_results=tuple(key_results),
    )


def jsonable(value: Any) -> Any:
    """A dataclass, enum, date or container as plain JSON values (for history)."""
    if hasattr(value, "__dataclass_fields__"):
        return jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


_NOT_OWN = frozenset({"org_id", "key_results", "check_ins"})


def _own_fields(value: Objective | KeyResult) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(value):
        if f.name not in _NOT_OWN:
            v = getattr(value, f.name)
            out[f.name] = v.value if isinstance(v, Enum) else v
    return out


def objective_fields(obj: Objective) -> dict[str, Any]:
    """An objective's own fields (no key results, no org), as stored in history."""
    return _own_fields(obj)


def key_result_fields(kr: KeyResult) -> dict[str, Any]:
    """A key result's own fields (no check-ins, no org), as stored in history."""
    return _own_fields(kr)
