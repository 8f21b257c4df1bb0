"""Moving OKRs in and out of the store: quarter files, CSV sheets, organisation JSON.

Quarter files (`okr/quarter.py`, the exchange format of docs/spec/risk.md)
round-trip exactly: importing one and exporting its cycle gives the same
bytes. The file's ids are kept as entity ids when they are free in the
organisation (or already name the same team); otherwise the entity gets the
cycle id as a prefix (`2023-Q3/o-1`) and the file's id is kept as its
external id, which is what exports write. Importing a cycle that already
exists replaces that cycle's objectives, key results and check-ins.

CSV is for people coming from a spreadsheet; see `import_csv` for the columns.
Every import is one transaction: any problem and nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from okr.errors import NotFoundError, ValidationError
from okr.models import (
    CheckInSource,
    CycleKind,
    Direction,
    KRKind,
    Level,
    ObjectiveState,
    OrgSnapshot,
    Visibility,
)
from okr.quarter import QuarterFile
from okr.store import Store
from okr.store.convert import jsonable
from okr.store.schema import (
    AlignmentRow,
    CheckInRow,
    CycleRow,
    CycleTeamRow,
    DependencyRow,
    KeyResultRow,
    ObjectiveRow,
    OrganisationRow,
    PersonRow,
    TeamRow,
)
from okr.store.store import record_history


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    org_id: str
    cycle_ids: tuple[str, ...]
    teams: int
    objectives: int
    key_results: int
    check_ins: int


# -- quarter files -------------------------------------------------------------


def _ensure_org(s: Session, org_id: str, name: str | None) -> None:
    if not org_id.strip():
        raise ValidationError("an organisation needs a non-empty id")
    if s.get(OrganisationRow, org_id) is None:
        s.add(OrganisationRow(id=org_id, name=name or org_id))
        s.flush()


def _free_id(s: Session, table: Any, org_id: str, wanted: str, prefix: str) -> str:
    """`wanted` if no row of `table` uses it in the organisation, else `prefix/wanted`."""
    if s.get(table, (org_id, wanted)) is None:
        return wanted
    return f"{prefix}/{wanted}"


def import_quarter(store: Store, org_id: str, quarter: QuarterFile, *,
                   actor: str | None = None, org_name: str | None = None) -> ImportResult:
    """Write a quarter file's cycle into the organisation (created if missing)."""
    with store.transaction() as s:
        _ensure_org(s, org_id, org_name)
        cycle, previous_teams = _quarter_cycle(s, org_id, quarter)
        team_ids = _quarter_teams(s, org_id, cycle.id, quarter, previous_teams)
        owners = {k.owner for k in quarter.key_results if k.owner is not None}
        known = set(s.scalars(select(PersonRow.id).where(PersonRow.org_id == org_id)))
        for owner in sorted(owners - known):
            s.add(PersonRow(org_id=org_id, id=owner, name=owner))
        obj_ids = {o.id: _free_id(s, ObjectiveRow, org_id, o.id, cycle.id)
                   for o in quarter.objectives}
        kr_ids = {k.id: _free_id(s, KeyResultRow, org_id, k.id, cycle.id)
                  for k in quarter.key_results}
        root_teams = {t.id for t in quarter.teams if t.parent is None}
        for i, o in enumerate(quarter.objectives):
            s.add(ObjectiveRow(
                org_id=org_id, id=obj_ids[o.id], external_id=o.id, cycle_id=cycle.id,
                title=o.title, team_id=team_ids[o.team],
                level=(Level.COMPANY if o.team in root_teams else Level.TEAM).value,
                owner_id=None, state=ObjectiveState.PUBLISHED.value,
                visibility=Visibility.PUBLIC.value, position=i))
            if o.parent is not None:
                s.add(AlignmentRow(org_id=org_id, child_id=obj_ids[o.id],
                                   parent_id=obj_ids[o.parent], position=i))
        check_ins = 0
        dep_position = 0
        for i, k in enumerate(quarter.key_results):
            s.add(KeyResultRow(
                org_id=org_id, id=kr_ids[k.id], external_id=k.id,
                objective_id=obj_ids[k.objective], text=k.text, kind=k.kind,
                direction=k.direction, baseline=k.baseline, target=k.target,
                current=k.check_ins[-1].value if k.check_ins else None, unit=k.unit,
                owner_id=k.owner, weight=None, position=i))
            for j, c in enumerate(k.check_ins):
                s.add(CheckInRow(org_id=org_id, kr_id=kr_ids[k.id],
                                 at=datetime.combine(c.date, datetime.min.time(), UTC),
                                 value=c.value, confidence=c.confidence, note=c.note,
                                 author_id=None, source=CheckInSource.IMPORT.value, position=j))
                check_ins += 1
            for dep in k.depends_on:
                s.add(DependencyRow(org_id=org_id, kr_id=kr_ids[k.id],
                                    upstream_kr_id=kr_ids[dep], position=dep_position))
                dep_position += 1
        record_history(s, org_id, "cycle", cycle.id, "imported", actor, None, {
            "format": "quarter", "cycle": quarter.cycle.name, "as_of": str(quarter.as_of),
            "teams": len(quarter.teams), "objectives": len(quarter.objectives),
            "key_results": len(quarter.key_results), "check_ins": check_ins})
        return ImportResult(org_id, (cycle.id,), len(quarter.teams), len(quarter.objectives),
                            len(quarter.key_results), check_ins)


def _quarter_cycle(s: Session, org_id: str, quarter: QuarterFile
                   ) -> tuple[CycleRow, dict[str, str]]:
    """The cycle to import into (emptied if it existed) and its previous teams by external id."""
    q = quarter.cycle
    cycle = s.scalars(select(CycleRow).where(CycleRow.org_id == org_id,
                                             CycleRow.name == q.name)).first()
    previous: dict[str, str] = {}
    if cycle is None:
        cycle_id = q.name
        n = 1
        while s.get(CycleRow, (org_id, cycle_id)) is not None:
            n += 1
            cycle_id = f"{q.name}-{n}"
        cycle = CycleRow(org_id=org_id, id=cycle_id, name=q.name, start=q.start, end=q.end,
                         kind=CycleKind.QUARTER.value, parent_id=None, closed=False,
                         as_of=quarter.as_of)
        s.add(cycle)
        s.flush()
        return cycle, previous
    for team in s.scalars(select(TeamRow).join(
            CycleTeamRow, (CycleTeamRow.org_id == TeamRow.org_id)
            & (CycleTeamRow.team_id == TeamRow.id))
            .where(CycleTeamRow.org_id == org_id, CycleTeamRow.cycle_id == cycle.id)):
        previous[team.external_id or team.id] = team.id
    _empty_cycle(s, org_id, cycle.id)
    cycle.start, cycle.end, cycle.as_of = q.start, q.end, quarter.as_of
    s.flush()
    return cycle, previous


def _empty_cycle(s: Session, org_id: str, cycle_id: str) -> None:
    obj_ids = list(s.scalars(select(ObjectiveRow.id).where(
        ObjectiveRow.org_id == org_id, ObjectiveRow.cycle_id == cycle_id)))
    kr_ids = list(s.scalars(select(KeyResultRow.id).where(
        KeyResultRow.org_id == org_id, KeyResultRow.objective_id.in_(obj_ids)))) \
        if obj_ids else []
    for part in _parts(kr_ids):
        s.execute(delete(CheckInRow).where(CheckInRow.org_id == org_id,
                                           CheckInRow.kr_id.in_(part)))
        s.execute(delete(DependencyRow).where(DependencyRow.org_id == org_id,
                                              DependencyRow.kr_id.in_(part)))
        s.execute(delete(DependencyRow).where(DependencyRow.org_id == org_id,
                                              DependencyRow.upstream_kr_id.in_(part)))
    for part in _parts(obj_ids + kr_ids):
        s.execute(delete(AlignmentRow).where(AlignmentRow.org_id == org_id,
                                             AlignmentRow.child_id.in_(part)))
        s.execute(delete(AlignmentRow).where(AlignmentRow.org_id == org_id,
                                             AlignmentRow.parent_id.in_(part)))
    for part in _parts(kr_ids):
        s.execute(delete(KeyResultRow).where(KeyResultRow.org_id == org_id,
                                             KeyResultRow.id.in_(part)))
    for part in _parts(obj_ids):
        s.execute(delete(ObjectiveRow).where(ObjectiveRow.org_id == org_id,
                                             ObjectiveRow.id.in_(part)))
    s.execute(delete(CycleTeamRow).where(CycleTeamRow.org_id == org_id,
                                         CycleTeamRow.cycle_id == cycle_id))
    s.flush()


def _parts(ids: Sequence[str], size: int = 500) -> list[Sequence[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


def _quarter_teams(s: Session, org_id: str, cycle_id: str, quarter: QuarterFile,
                   previous: dict[str, str]) -> dict[str, str]:
    """Map the file's team ids to store ids, creating or updating teams, and list them."""
    existing = {t.id: t for t in s.scalars(select(TeamRow).where(TeamRow.org_id == org_id))}
    ext_of = {tid: (t.external_id or t.id) for tid, t in existing.items()}
    mapping: dict[str, str] = {}
    for t in quarter.teams:
        if t.id in previous:
            mapping[t.id] = previous[t.id]
            continue
        same = existing.get(t.id)
        if same is None or (same.name == t.name and (
                (same.parent_id is None and t.parent is None)
                or (same.parent_id is not None and ext_of.get(same.parent_id) == t.parent))):
            mapping[t.id] = t.id
        else:
            mapping[t.id] = f"{cycle_id}/{t.id}"
    next_position = (s.scalar(select(func.max(TeamRow.position))
                              .where(TeamRow.org_id == org_id)) or 0) + 1
    for i, t in enumerate(quarter.teams):
        tid = mapping[t.id]
        parent = mapping[t.parent] if t.parent is not None else None
        row = existing.get(tid) or s.get(TeamRow, (org_id, tid))
        if row is None:
            s.add(TeamRow(org_id=org_id, id=tid, external_id=t.id, name=t.name,
                          parent_id=parent, function=None, position=next_position + i))
        else:
            row.name, row.parent_id, row.external_id = t.name, parent, t.id
        s.add(CycleTeamRow(org_id=org_id, cycle_id=cycle_id, team_id=tid, position=i))
    s.flush()
    return mapping


def export_quarter(store: Store, org_id: str, cycle: str) -> QuarterFile:
    """A cycle (by id or name) as a quarter file, in stored order with the file's ids.

    Cycles that did not come from a quarter file export too: their teams are
    those owning objectives plus their ancestors; `as_of` is the latest
    check-in (or the cycle start); currency key results are written as
    metrics; an objective's parent is its first aligned parent objective in
    the same cycle.
    """
    with store.reading() as s:
        if s.get(OrganisationRow, org_id) is None:
            raise NotFoundError(f"organisation {org_id!r} does not exist")
        c = s.get(CycleRow, (org_id, cycle)) or s.scalars(select(CycleRow).where(
            CycleRow.org_id == org_id, CycleRow.name == cycle)).first()
        if c is None:
            raise NotFoundError(f"cycle {cycle!r} not found in organisation {org_id!r}")
        teams = {t.id: t for t in s.scalars(select(TeamRow).where(TeamRow.org_id == org_id))}
        objectives = list(s.scalars(select(ObjectiveRow).where(
            ObjectiveRow.org_id == org_id, ObjectiveRow.cycle_id == c.id)
            .order_by(ObjectiveRow.position, ObjectiveRow.id)))
        obj_ids = {o.id for o in objectives}
        krs = [k for k in s.scalars(select(KeyResultRow).where(KeyResultRow.org_id == org_id)
                                    .order_by(KeyResultRow.position, KeyResultRow.id))
               if k.objective_id in obj_ids]
        kr_set = {k.id for k in krs}
        check_ins: dict[str, list[CheckInRow]] = defaultdict(list)
        for part in _parts([k.id for k in krs]):
            for ci in s.scalars(select(CheckInRow).where(CheckInRow.org_id == org_id,
                                                         CheckInRow.kr_id.in_(part))):
                check_ins[ci.kr_id].append(ci)
        parents: dict[str, str] = {}
        for a in s.scalars(select(AlignmentRow).where(AlignmentRow.org_id == org_id)
                           .order_by(AlignmentRow.position, AlignmentRow.id)):
            if a.child_id in obj_ids and a.parent_id in obj_ids:
                parents.setdefault(a.child_id, a.parent_id)
        deps: dict[str, list[str]] = defaultdict(list)
        for d in s.scalars(select(DependencyRow).where(DependencyRow.org_id == org_id)
                           .order_by(DependencyRow.position, DependencyRow.id)):
            if d.kr_id in kr_set and d.upstream_kr_id in kr_set:
                deps[d.kr_id].append(d.upstream_kr_id)
        listed = [r.team_id for r in s.scalars(select(CycleTeamRow).where(
            CycleTeamRow.org_id == org_id, CycleTeamRow.cycle_id == c.id)
            .order_by(CycleTeamRow.position))]
    if not listed:
        listed = _teams_with_ancestors(teams, [o.team_id for o in objectives])
    ext_team = {tid: teams[tid].external_id or tid for tid in teams}
    ext_obj = {o.id: o.external_id or o.id for o in objectives}
    ext_kr = {k.id: k.external_id or k.id for k in krs}
    missing_team = [o.id for o in objectives if o.team_id is None]
    if missing_team:
        raise ValidationError(f"cycle {c.name!r} cannot be written as a quarter file: "
                              "objectives without a team", missing_team)
    dates = [ci.at.date() for cis in check_ins.values() for ci in cis]
    as_of = max([d for d in (c.as_of, max(dates) if dates else None) if d is not None],
                default=c.start)
    data: dict[str, Any] = {
        "cycle": {"name": c.name, "start": c.start, "end": c.end},
        "as_of": as_of,
        "teams": [{"id": ext_team[t], "name": teams[t].name,
                   "parent": ext_team.get(teams[t].parent_id or "")} for t in listed],
        "objectives": [{"id": ext_obj[o.id], "team": ext_team[o.team_id or ""],
                        "title": o.title, "parent": ext_obj.get(parents.get(o.id, ""))}
                       for o in objectives],
        "key_results": [_quarter_kr(k, ext_obj, ext_kr, deps, check_ins) for k in krs],
    }
    try:
        return QuarterFile.model_validate(data)
    except PydanticValidationError as exc:
        raise ValidationError(f"cycle {c.name!r} cannot be written as a quarter file",
                              [f"{'/'.join(map(str, e['loc']))}: {e['msg']}"
                               for e in exc.errors()]) from exc


def _quarter_kr(k: KeyResultRow, ext_obj: dict[str, str], ext_kr: dict[str, str],
                deps: dict[str, list[str]], check_ins: dict[str, list[CheckInRow]]
                ) -> dict[str, Any]:
    milestone = k.kind == KRKind.MILESTONE
    return {
        "id": ext_kr[k.id], "objective": ext_obj[k.objective_id], "owner": k.owner_id,
        "text": k.text, "kind": "metric" if k.kind == KRKind.CURRENCY else k.kind,
        "direction": k.direction,
        "baseline": k.baseline if k.baseline is not None else (0 if milestone else None),
        "target": k.target if k.target is not None else (1 if milestone else None),
        "unit": k.unit, "depends_on": [ext_kr[d] for d in deps.get(k.id, [])],
        "check_ins": [{"date": ci.at.date(), "value": ci.value, "confidence": ci.confidence,
                       "note": ci.note}
                      for ci in sorted(check_ins.get(k.id, []), key=lambda c: (c.position,
                                                                               c.id))],
    }


def _teams_with_ancestors(teams: dict[str, TeamRow], wanted: Sequence[str | None]) -> list[str]:
    keep: set[str] = set()
    for tid in wanted:
        while tid is not None and tid not in keep and tid in teams:
            keep.add(tid)
            tid = teams[tid].parent_id
    return sorted(keep, key=lambda t: (teams[t].position, t))


# -- organisation JSON -----------------------------------------------------------------

_SNAPSHOT = TypeAdapter(OrgSnapshot)
ORG_FORMAT = "quarterdeck-organisation"


def export_organisation(store: Store, org_id: str) -> dict[str, Any]:
    """The whole organisation (every cycle, check-ins, links, history) as JSON values."""
    snapshot = store.load_snapshot(org_id)
    data: dict[str, Any] = {"format": ORG_FORMAT, "version": 1}
    data.update(_SNAPSHOT.dump_python(snapshot, mode="json"))
    data["history"] = jsonable(store.history(org_id))
    return data


def dump_organisation(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def import_organisation(store: Store, data: dict[str, Any], *, actor: str | None = None,
                        org_id: str | None = None) -> ImportResult:
    """Load an `export_organisation` document (upsert; history is not replayed)."""
    body = {k: v for k, v in data.items() if k not in ("format", "version", "history")}
    try:
        snapshot = _SNAPSHOT.validate_python(body)
    except PydanticValidationError as exc:
        raise ValidationError("not a valid organisation export",
                              [f"{'/'.join(map(str, e['loc']))}: {e['msg']}"
                               for e in exc.errors()]) from exc
    if org_id is not None and org_id != snapshot.organisation.id:
        raise ValidationError(f"the file holds organisation {snapshot.organisation.id!r}, "
                              f"not {org_id!r}")
    store.save_snapshot(snapshot, actor=actor)
    return ImportResult(snapshot.organisation.id, tuple(c.id for c in snapshot.cycles),
                        len(snapshot.teams), len(snapshot.objectives),
                        sum(len(o.key_results) for o in snapshot.objectives),
                        sum(len(k.check_ins) for o in snapshot.objectives
                            for k in o.key_results))


# -- CSV ---------------------------------------------------------------------------

CSV_COLUMNS = ("team", "cycle", "objective", "key result", "baseline", "target", "unit",
               "owner email", "parent")
CSV_OPTIONAL = ("direction", "kind")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_YEAR = re.compile(r"^(?:FY)?(\d{4})$", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _column(name: str) -> str:
    return re.sub(r"[\s_-]+", " ", name.strip().lower())


def _number(text: str) -> int | float:
    cleaned = text.strip()
    if not _NUMBER.match(cleaned):
        raise ValueError(f"{text!r} is not a number")
    if re.match(r"^[+-]?\d+$", cleaned):
        return int(cleaned)
    return float(cleaned)


def cycle_dates(name: str) -> tuple[date, date, CycleKind] | None:
    """Start, end and kind of a cycle named like `2024-Q1`, `2024-H2` or `2024`."""
    if m := _QUARTER.match(name.strip()):
        year, q = int(m[1]), int(m[2])
        start = date(year, 3 * q - 2, 1)
        end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
        return start, date.fromordinal(end.toordinal() - 1), CycleKind.QUARTER
    if m := _HALF.match(name.strip()):
        year, h = int(m[1]), int(m[2])
        return (date(year, 1, 1), date(year, 6, 30), CycleKind.HALF) if h == 1 else \
            (date(year, 7, 1), date(year, 12, 31), CycleKind.HALF)
    if m := _YEAR.match(name.strip()):
        return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31), CycleKind.YEAR
    return None


@dataclass
class _CsvRow:
    line: int
    team: str
    cycle: str
    objective: str
    key_result: str
    baseline: int | float | None
    target: int | float | None
    unit: str
    owner: str | None
    parent: str
    direction: str | None
    kind: str | None


def _parse_csv(text: str, source: str) -> list[_CsvRow]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None:
        raise ValidationError(f"{source}: the file is empty; the first row must name the "
                              f"columns: {', '.join(CSV_COLUMNS)}")
    columns = {_column(f): f for f in reader.fieldnames if f is not None}
    missing = [c for c in CSV_COLUMNS if c not in columns]
    unknown = [f for c, f in columns.items() if c not in CSV_COLUMNS + CSV_OPTIONAL]
    if missing or unknown:
        problems = [f"missing column {c!r}" for c in missing]
        problems += [f"unknown column {f!r}" for f in unknown]
        raise ValidationError(f"{source}: row 1 (header) does not have the expected columns "
                              f"({', '.join(CSV_COLUMNS)})", problems)
    rows: list[_CsvRow] = []
    problems = []
    for line, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(f"row {line}: more cells than columns")
        cell = {c: (raw.get(f) or "").strip() for c, f in columns.items()}
        if not any(cell.values()):
            continue
        here: list[str] = []
        for required in ("team", "cycle", "objective"):
            if not cell[required]:
                here.append(f"row {line}, column {required!r}: must not be empty")
        numbers: dict[str, int | float | None] = {}
        for name in ("baseline", "target"):
            numbers[name] = None
            if cell[name]:
                try:
                    numbers[name] = _number(cell[name])
                except ValueError as exc:
                    here.append(f"row {line}, column {name!r}: {exc}")
            elif cell["key result"]:
                here.append(f"row {line}, column {name!r}: a key result needs a {name}")
        if cell["owner email"] and not _EMAIL.match(cell["owner email"]):
            here.append(f"row {line}, column 'owner email': {cell['owner email']!r} is not "
                        f"an email address")
        direction = cell.get("direction") or None
        if direction and direction.lower() not in ("increase", "decrease"):
            here.append(f"row {line}, column 'direction': {direction!r} is not increase or "
                        f"decrease")
        kind = cell.get("kind") or None
        if kind and kind.lower() not in {k.value for k in KRKind}:
            here.append(f"row {line}, column 'kind': {kind!r} is not one of "
                        f"{', '.join(k.value for k in KRKind)}")
        if not cell["key result"] and any(cell[c] for c in ("baseline", "target", "unit")):
            here.append(f"row {line}, column 'key result': empty but baseline, target or "
                        f"unit is given")
        problems.extend(here)
        if not here:
            rows.append(_CsvRow(
                line=line, team=cell["team"], cycle=cell["cycle"], objective=cell["objective"],
                key_result=cell["key result"], baseline=numbers["baseline"],
                target=numbers["target"], unit=cell["unit"],
                owner=cell["owner email"].lower() or None, parent=cell["parent"],
                direction=direction.lower() if direction else None,
                kind=kind.lower() if kind else None))
    if problems:
        raise ValidationError(f"{source}: {len(problems)} problem(s); nothing was imported",
                              problems)
    return rows


def import_csv(store: Store, org_id: str, text: str, *, source: str = "<csv>",
               actor: str | None = None) -> ImportResult:
    """Import OKRs from a spreadsheet saved as CSV; all rows or none.

    The first row names the columns (case and `_`/`-` vs space do not matter):

    | column | meaning |
    | --- | --- |
    | team | team name; created at the top level if the organisation has none by that name |
    | cycle | cycle name; an existing cycle, or `2024-Q1`, `2024-H2`, `2024` (created) |
    | objective | objective title; rows with the same team, cycle and title share it |
    | key result | key result text; empty for a row that only declares an objective |
    | baseline | number where the key result starts (`42`, `0.5`) |
    | target | number it should reach; below the baseline means "decrease" |
    | unit | e.g. `%`, `$k`, `days`; `%` makes a percent key result |
    | owner email | owner of the key result (of the objective on an objective-only row) |
    | parent | title or id of the objective this one contributes to (any cycle) |

    A person is created for an owner email the organisation does not know.
    Optional columns: `direction` (increase|decrease) and `kind`
    (metric|percent|currency|milestone). Rows are numbered as a spreadsheet
    shows them (the header is row 1). Existing objectives (same cycle, team and
    title) and key results (same objective and text) are updated, not
    duplicated.
    """
    rows = _parse_csv(text, source)
    if not rows:
        raise ValidationError(f"{source}: no data rows below the header")
    with store.transaction() as s:
        _ensure_org(s, org_id, None)
        return _write_csv(s, org_id, rows, source, actor)


def _write_csv(s: Session, org_id: str, rows: list[_CsvRow], source: str,
               actor: str | None) -> ImportResult:
    problems: list[str] = []
    teams = {t.name.lower(): t for t in s.scalars(select(TeamRow).where(TeamRow.org_id == org_id))}
    cycles = {c.name.lower(): c for c in s.scalars(select(CycleRow)
                                                   .where(CycleRow.org_id == org_id))}
    people = {p.email.lower(): p for p in s.scalars(select(PersonRow).where(
        PersonRow.org_id == org_id)) if p.email}
    for r in rows:
        if r.cycle.lower() not in cycles and cycle_dates(r.cycle) is None:
            problems.append(f"row {r.line}, column 'cycle': {r.cycle!r} is not a cycle of "
                            f"{org_id!r} and not a name like 2024-Q1, 2024-H2 or 2024")
    if problems:
        raise ValidationError(f"{source}: {len(problems)} problem(s); nothing was imported",
                              problems)
    team_pos = (s.scalar(select(func.max(TeamRow.position)).where(
        TeamRow.org_id == org_id)) or 0) + 1
    new_teams = new_objs = new_krs = 0
    for r in rows:
        if r.team.lower() not in teams:
            row = TeamRow(org_id=org_id, id=_new_id(s, TeamRow, org_id, "t", r.team),
                          external_id=None, name=r.team, parent_id=None, function=None,
                          position=team_pos)
            team_pos += 1
            s.add(row)
            teams[r.team.lower()] = row
            new_teams += 1
        if r.cycle.lower() not in cycles:
            start, end, kind = cycle_dates(r.cycle) or (date.min, date.min, CycleKind.CUSTOM)
            crow = CycleRow(org_id=org_id, id=_new_id(s, CycleRow, org_id, "", r.cycle),
                            name=r.cycle, start=start, end=end, kind=kind.value,
                            parent_id=None, closed=False, as_of=None)
            s.add(crow)
            cycles[r.cycle.lower()] = crow
        if r.owner and r.owner not in people:
            person = PersonRow(org_id=org_id, id=_new_id(s, PersonRow, org_id, "p",
                                                         r.owner.split("@")[0]),
                               name=r.owner.split("@")[0], email=r.owner, team_id=None)
            s.add(person)
            people[r.owner] = person
        s.flush()
    objectives: dict[tuple[str, str, str], ObjectiveRow] = {}
    for o in s.scalars(select(ObjectiveRow).where(ObjectiveRow.org_id == org_id)):
        objectives.setdefault((o.cycle_id, o.team_id or "", o.title.lower()), o)
    obj_pos = (s.scalar(select(func.max(ObjectiveRow.position)).where(
        ObjectiveRow.org_id == org_id)) or 0) + 1
    kr_pos = (s.scalar(select(func.max(KeyResultRow.position)).where(
        KeyResultRow.org_id == org_id)) or 0) + 1
    touched: list[tuple[_CsvRow, ObjectiveRow]] = []
    for r in rows:
        cycle, team = cycles[r.cycle.lower()], teams[r.team.lower()]
        owner = people[r.owner].id if r.owner else None
        key = (cycle.id, team.id, r.objective.lower())
        obj = objectives.get(key)
        if obj is None:
            obj = ObjectiveRow(org_id=org_id, id=_new_id(s, ObjectiveRow, org_id, "o", ""),
                               external_id=None, cycle_id=cycle.id, title=r.objective,
                               team_id=team.id, level=Level.TEAM.value,
                               owner_id=None if r.key_result else owner,
                               state=ObjectiveState.DRAFT.value,
                               visibility=Visibility.PUBLIC.value, position=obj_pos)
            obj_pos += 1
            s.add(obj)
            s.flush()
            objectives[key] = obj
            new_objs += 1
            record_history(s, org_id, "objective", obj.id, "created", actor, None,
                           {"title": obj.title, "team_id": team.id, "cycle_id": cycle.id,
                            "source": f"{source} row {r.line}"})
        touched.append((r, obj))
        if not r.key_result:
            continue
        kr = s.scalars(select(KeyResultRow).where(
            KeyResultRow.org_id == org_id, KeyResultRow.objective_id == obj.id,
            func.lower(KeyResultRow.text) == r.key_result.lower())).first()
        assert r.baseline is not None and r.target is not None
        direction = r.direction or (Direction.DECREASE.value if r.target < r.baseline
                                    else Direction.INCREASE.value)
        kr_kind = r.kind or (KRKind.PERCENT.value if r.unit == "%" else KRKind.METRIC.value)
        fields = dict(text=r.key_result, baseline=r.baseline, target=r.target, unit=r.unit,
                      owner_id=owner, direction=direction, kind=kr_kind)
        if kr is None:
            kr = KeyResultRow(org_id=org_id, id=_new_id(s, KeyResultRow, org_id, "kr", ""),
                              external_id=None, objective_id=obj.id, current=None, weight=None,
                              position=kr_pos, **fields)
            kr_pos += 1
            s.add(kr)
            new_krs += 1
            record_history(s, org_id, "key_result", kr.id, "created", actor, None,
                           {**fields, "source": f"{source} row {r.line}"})
        else:
            before = {k: getattr(kr, k) for k in fields}
            for k, v in fields.items():
                setattr(kr, k, v)
            record_history(s, org_id, "key_result", kr.id, "updated", actor, before,
                           {**fields, "source": f"{source} row {r.line}"})
        s.flush()
    for r, obj in touched:
        if not r.parent:
            continue
        parent = s.get(ObjectiveRow, (org_id, r.parent))
        if parent is None:
            matches = [o for o in objectives.values() if o.title.lower() == r.parent.lower()
                       and o.id != obj.id]
            if len(matches) == 1:
                parent = matches[0]
            elif len(matches) > 1:
                problems.append(f"row {r.line}, column 'parent': {r.parent!r} names "
                                f"{len(matches)} objectives ({', '.join(m.id for m in matches)});"
                                f" use an id")
                continue
        if parent is None or parent.id == obj.id:
            problems.append(f"row {r.line}, column 'parent': no objective {r.parent!r} in "
                            f"organisation {org_id!r}")
            continue
        link = s.scalars(select(AlignmentRow).where(
            AlignmentRow.org_id == org_id, AlignmentRow.child_id == obj.id,
            AlignmentRow.parent_id == parent.id)).first()
        if link is None:
            s.add(AlignmentRow(org_id=org_id, child_id=obj.id, parent_id=parent.id,
                               position=obj.position))
            s.flush()
    if problems:
        raise ValidationError(f"{source}: {len(problems)} problem(s); nothing was imported",
                              problems)
    cycle_ids = tuple(dict.fromkeys(obj.cycle_id for _, obj in touched))
    return ImportResult(org_id, cycle_ids, new_teams, new_objs, new_krs, 0)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _new_id(s: Session, table: Any, org_id: str, prefix: str, name: str) -> str:
    """A readable id (`t-sales`, `2024-q1`) or a short random one, free in the org."""
    base = "-".join(p for p in (prefix, _slug(name)) if p)
    if _slug(name) and s.get(table, (org_id, base)) is None:
        return base
    while True:
        candidate = f"{base}-{uuid.uuid4().hex[:6]}"
        if s.get(table, (org_id, candidate)) is None:
            return candidate
