"""Writing a whole `OrgSnapshot` with bulk statements (see `Store.save_snapshot`).

References are checked in Python first, against the snapshot plus what the
organisation already holds, so a bad snapshot fails with a message naming
every broken reference rather than a database constraint name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from okr.errors import ValidationError
from okr.models import OrgSnapshot
from okr.store import convert
from okr.store.schema import (
    AlignmentRow,
    Base,
    CheckInRow,
    CycleRow,
    DependencyRow,
    HistoryRow,
    KeyResultRow,
    ObjectiveRow,
    OrganisationRow,
    PersonRow,
    TeamRow,
)

_CHUNK = 500
_BATCH = 5000


def _ids(s: Session, table: Any, org_id: str) -> set[str]:
    return set(s.scalars(select(table.id).where(table.org_id == org_id)))


def _put(s: Session, table: type[Base], rows: Sequence[dict[str, Any]], existing: set[str]
         ) -> None:
    new = [r for r in rows if r["id"] not in existing]
    old = [r for r in rows if r["id"] in existing]
    for i in range(0, len(new), _BATCH):
        s.execute(insert(table), new[i:i + _BATCH])
    for i in range(0, len(old), _BATCH):
        s.execute(update(table), old[i:i + _BATCH])


def _in_chunks(s: Session, table: Any, column: Any, org_id: str, ids: Iterable[str]) -> None:
    items = sorted(ids)
    for i in range(0, len(items), _CHUNK):
        s.execute(delete(table).where(table.org_id == org_id, column.in_(items[i:i + _CHUNK])))


def _finite(value: object, where: str, problems: list[str]) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where} must be a number, got {value!r}")
    elif not math.isfinite(value):
        problems.append(f"{where} must be a finite number, got {value!r}")


def _validate(snap: OrgSnapshot, existing: dict[str, set[str]]) -> None:
    org = snap.organisation.id
    problems: list[str] = []
    everything: list[tuple[str, str, str]] = (
        [("team", t.id, t.org_id) for t in snap.teams]
        + [("person", p.id, p.org_id) for p in snap.people]
        + [("cycle", c.id, c.org_id) for c in snap.cycles]
        + [("objective", o.id, o.org_id) for o in snap.objectives]
        + [("key result", k.id, k.org_id) for o in snap.objectives for k in o.key_results]
        + [("alignment", f"{a.child_id}->{a.parent_id}", a.org_id) for a in snap.alignments]
        + [("dependency", f"{d.kr_id}->{d.upstream_kr_id}", d.org_id)
           for d in snap.dependencies])
    problems += [f"{kind} {eid!r} belongs to organisation {owner!r}, not {org!r}"
                 for kind, eid, owner in everything if owner != org]
    for kind, ids in (("team", [t.id for t in snap.teams]),
                      ("person", [p.id for p in snap.people]),
                      ("cycle", [c.id for c in snap.cycles]),
                      ("objective", [o.id for o in snap.objectives]),
                      ("key result", [k.id for o in snap.objectives for k in o.key_results])):
        seen: set[str] = set()
        for i in ids:
            if i in seen:
                problems.append(f"{kind} id {i!r} appears more than once")
            seen.add(i)
    teams = existing["teams"] | {t.id for t in snap.teams}
    people = existing["people"] | {p.id for p in snap.people}
    cycles = existing["cycles"] | {c.id for c in snap.cycles}
    objectives = existing["objectives"] | {o.id for o in snap.objectives}
    krs = existing["key_results"] | {k.id for o in snap.objectives for k in o.key_results}

    def need(ref: str | None, pool: set[str], what: str, where: str) -> None:
        if ref is not None and ref not in pool:
            problems.append(f"{where}: {what} {ref!r} does not exist")

    for t in snap.teams:
        need(t.parent_id, teams, "parent team", f"team {t.id!r}")
    for p in snap.people:
        need(p.team_id, teams, "team", f"person {p.id!r}")
    for c in snap.cycles:
        need(c.parent_id, cycles, "parent cycle", f"cycle {c.id!r}")
        if c.end < c.start:
            problems.append(f"cycle {c.id!r}: ends ({c.end}) before it starts ({c.start})")
    for o in snap.objectives:
        where = f"objective {o.id!r}"
        need(o.cycle_id, cycles, "cycle", where)
        need(o.team_id, teams, "team", where)
        need(o.owner_id, people, "owner", where)
        for k in o.key_results:
            kwhere = f"key result {k.id!r}"
            for name in ("baseline", "target", "current", "weight"):
                _finite(getattr(k, name), f"{kwhere}: {name}", problems)
            if k.objective_id != o.id:
                problems.append(f"{kwhere}: listed under objective {o.id!r} but names "
                                f"{k.objective_id!r}")
            need(k.owner_id, people, "owner", kwhere)
            for ci in k.check_ins:
                _finite(ci.value, f"{kwhere}: check-in at {ci.at}: value", problems)
                if ci.kr_id != k.id:
                    problems.append(f"{kwhere}: holds a check-in for {ci.kr_id!r}")
                if ci.confidence is not None and not 0 <= ci.confidence <= 1:
                    problems.append(f"{kwhere}: check-in at {ci.at} has confidence "
                                    f"{ci.confidence} outside 0..1")
    for a in snap.alignments:
        where = f"alignment {a.child_id!r} -> {a.parent_id!r}"
        need(a.child_id, objectives | krs, "objective or key result", where)
        need(a.parent_id, objectives | krs, "objective or key result", where)
    for d in snap.dependencies:
        where = f"dependency {d.kr_id!r} -> {d.upstream_kr_id!r}"
        need(d.kr_id, krs, "key result", where)
        need(d.upstream_kr_id, krs, "key result", where)
    if problems:
        raise ValidationError(f"snapshot of organisation {org!r} is not consistent", problems)


def write_snapshot(s: Session, snap: OrgSnapshot, *, replace: bool, actor: str | None) -> None:
    """Upsert (or, with `replace`, rewrite) an organisation from a snapshot."""
    from okr.store.store import _delete_org_contents, now

    org_id = snap.organisation.id
    if not org_id.strip():
        raise ValidationError("the snapshot's organisation needs a non-empty id")
    org_row = s.get(OrganisationRow, org_id)
    if org_row is None:
        s.add(OrganisationRow(id=org_id, name=snap.organisation.name))
        s.flush()
    else:
        org_row.name = snap.organisation.name
    if replace:
        _delete_org_contents(s, org_id)
        s.execute(delete(HistoryRow).where(HistoryRow.org_id == org_id))
    tables: dict[str, Any] = {"teams": TeamRow, "people": PersonRow, "cycles": CycleRow,
                              "objectives": ObjectiveRow, "key_results": KeyResultRow}
    existing = {name: (set() if replace else _ids(s, t, org_id)) for name, t in tables.items()}
    _validate(snap, existing)

    _put(s, TeamRow, [dict(org_id=org_id, id=t.id, name=t.name, parent_id=t.parent_id,
                           function=t.function, position=i)
                      for i, t in enumerate(snap.teams)], existing["teams"])
    _put(s, PersonRow, [dict(org_id=org_id, id=p.id, name=p.name, email=p.email,
                             team_id=p.team_id) for p in snap.people], existing["people"])
    _put(s, CycleRow, [dict(org_id=org_id, id=c.id, name=c.name, start=c.start, end=c.end,
                            kind=c.kind.value, parent_id=c.parent_id, closed=c.closed)
                       for c in snap.cycles], existing["cycles"])
    before_obj = _previous(s, ObjectiveRow, org_id, existing["objectives"],
                           {o.id for o in snap.objectives})
    before_kr = _previous(s, KeyResultRow, org_id, existing["key_results"],
                          {k.id for o in snap.objectives for k in o.key_results})
    _put(s, ObjectiveRow, [dict(org_id=org_id, id=o.id, cycle_id=o.cycle_id, title=o.title,
                                team_id=o.team_id, level=o.level.value, owner_id=o.owner_id,
                                state=o.state.value, visibility=o.visibility.value, position=i)
                           for i, o in enumerate(snap.objectives)], existing["objectives"])
    krs = [k for o in snap.objectives for k in o.key_results]
    kr_rows = []
    for i, k in enumerate(krs):
        current = k.current
        if current is None and k.check_ins:
            current = max(k.check_ins, key=lambda c: c.at).value
        kr_rows.append(dict(org_id=org_id, id=k.id, objective_id=k.objective_id, text=k.text,
                            kind=k.kind.value, direction=k.direction.value, baseline=k.baseline,
                            target=k.target, current=current, unit=k.unit, owner_id=k.owner_id,
                            weight=k.weight, position=i))
    _put(s, KeyResultRow, kr_rows, existing["key_results"])

    replaced_krs = {k.id for k in krs} & existing["key_results"]
    _in_chunks(s, CheckInRow, CheckInRow.kr_id, org_id, replaced_krs)
    _in_chunks(s, DependencyRow, DependencyRow.kr_id, org_id, replaced_krs)
    written = {o.id for o in snap.objectives} | {k.id for k in krs}
    _in_chunks(s, AlignmentRow, AlignmentRow.child_id, org_id,
               written & (existing["objectives"] | existing["key_results"]))
    check_ins = [dict(org_id=org_id, kr_id=k.id, at=c.at, value=c.value,
                      confidence=c.confidence, note=c.note, author_id=c.author_id,
                      source=c.source.value, position=j)
                 for k in krs for j, c in enumerate(k.check_ins)]
    _insert_all(s, CheckInRow, check_ins)
    kept_deps = set(s.execute(select(DependencyRow.kr_id, DependencyRow.upstream_kr_id)
                              .where(DependencyRow.org_id == org_id)).tuples())
    _insert_all(s, DependencyRow, [dict(org_id=org_id, kr_id=d.kr_id,
                                        upstream_kr_id=d.upstream_kr_id, position=i)
                                   for i, d in enumerate(snap.dependencies)
                                   if (d.kr_id, d.upstream_kr_id) not in kept_deps])
    kept_links = set(s.execute(select(AlignmentRow.child_id, AlignmentRow.parent_id)
                               .where(AlignmentRow.org_id == org_id)).tuples())
    _insert_all(s, AlignmentRow, [dict(org_id=org_id, child_id=a.child_id,
                                       parent_id=a.parent_id, position=i)
                                  for i, a in enumerate(snap.alignments)
                                  if (a.child_id, a.parent_id) not in kept_links])
    at = now()
    history = [_entry(org_id, "objective", o.id, before_obj.get(o.id),
                      convert.objective_fields(o), actor, at) for o in snap.objectives]
    history += [_entry(org_id, "key_result", k.id, before_kr.get(k.id),
                       convert.key_result_fields(k), actor, at) for k in krs]
    history.append(dict(org_id=org_id, entity="organisation", entity_id=org_id,
                        action="snapshot_saved", actor=actor, at=at, before=None,
                        after={"replace": replace, "teams": len(snap.teams),
                               "objectives": len(snap.objectives), "key_results": len(krs),
                               "check_ins": len(check_ins)}, reason=None))
    _insert_all(s, HistoryRow, history)


def _entry(org_id: str, entity: str, entity_id: str, before: dict[str, Any] | None,
           after: dict[str, Any], actor: str | None, at: Any) -> dict[str, Any]:
    return dict(org_id=org_id, entity=entity, entity_id=entity_id,
                action="updated" if before is not None else "created", actor=actor, at=at,
                before=before, after=after, reason=None)


def _previous(s: Session, table: Any, org_id: str, existing: set[str], wanted: set[str]
              ) -> dict[str, dict[str, Any]]:
    """Stored fields of rows about to be overwritten, for their history's `before`."""
    ids = existing & wanted
    if not ids:
        return {}
    columns = [c.key for c in table.__table__.columns if c.key not in ("org_id", "position",
                                                                  "external_id")]
    found: dict[str, dict[str, Any]] = {}
    for row in s.scalars(select(table).where(table.org_id == org_id)):
        if row.id in ids:
            found[row.id] = convert.jsonable({c: getattr(row, c) for c in columns})
    return found


def _insert_all(s: Session, table: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    for i in range(0, len(rows), _BATCH):
        s.execute(insert(table), rows[i:i + _BATCH])
