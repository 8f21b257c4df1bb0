"""The OKR store: an organisation-scoped gateway to the database.

Every public method takes the organisation first and every query filters by
it, so one tenant can never read or change another's rows, even by guessing
ids. Each write runs in one transaction: it is all written or, on any error,
nothing is.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from okr.errors import NotFoundError, OKRError, TransitionError, ValidationError
from okr.models import (
    STATE_TRANSITIONS,
    AlignmentLink,
    CheckIn,
    CheckInSource,
    Cycle,
    Dependency,
    Direction,
    HistoryEntry,
    KeyResult,
    KRKind,
    Objective,
    ObjectiveState,
    Organisation,
    OrgSnapshot,
    Person,
    Team,
)
from okr.settings import Settings
from okr.store import convert
from okr.store.migrate import upgrade
from okr.store.schema import (
    AlignmentRow,
    CheckInRow,
    CycleRow,
    CycleTeamRow,
    DependencyRow,
    HistoryRow,
    KeyResultRow,
    ObjectiveRow,
    OrganisationRow,
    PersonRow,
    TeamRow,
)

#: Fields `update_key_result` may change.
KR_FIELDS = frozenset({"text", "kind", "direction", "baseline", "target", "current", "unit",
                       "owner_id", "weight"})
_NUMERIC = frozenset({"baseline", "target", "current", "weight"})
_CHUNK = 500
#: States an objective ends in; nothing leaves them (see `STATE_TRANSITIONS`).
_FINAL_STATES = frozenset({ObjectiveState.CLOSED, ObjectiveState.RETIRED})


def now() -> datetime:
    return datetime.now(UTC)


def record_history(session: Session, org_id: str, entity: str, entity_id: str, action: str,
                   actor: str | None, before: Mapping[str, Any] | None,
                   after: Mapping[str, Any] | None, reason: str | None = None,
                   at: datetime | None = None) -> None:
    """Append one change to the history table (inside the caller's transaction)."""
    session.add(HistoryRow(
        org_id=org_id, entity=entity, entity_id=entity_id, action=action, actor=actor,
        at=at or now(), before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None, reason=reason,
    ))


def _check_number(name: str, value: object, where: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{where}: {name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValidationError(f"{where}: {name} must be a finite number, got {value!r}")


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


class Store:
    """The OKR store on one database (SQLite file or PostgreSQL), migrated on open.

    Build it at the edge with `Store(url)` or `Store.from_settings(settings)`
    and pass it down; there is no module-level store. Call `close()` (or use
    it as a context manager) to release connections.
    """

    def __init__(self, url: str, *, migrate: bool = True, echo: bool = False) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(parsed, echo=echo)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            try:
                upgrade(self.engine)
            except OperationalError as exc:
                self.engine.dispose()
                where = parsed.render_as_string(hide_password=True)
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                raise OKRError(f"cannot open the store at {where}: {reason}") from None

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        """The store `settings` name: OKR_DATABASE_URL, else the SQLite file in OKR_DATA_DIR."""
        return cls(settings.store_url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # -- plumbing -----------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            first_line = str(exc.orig).strip().splitlines()[0] if exc.orig else "integrity error"
            raise ValidationError(f"the database refused the write: {first_line}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only."""
        session = self._sessions()
        try:
            yield session
        finally:
            session.close()

    # -- organisations ------------------------------------------------------

    def create_organisation(self, org_id: str, name: str | None = None) -> Organisation:
        """Create an organisation; refuses an id that is taken."""
        if not org_id.strip():
            raise ValidationError("an organisation needs a non-empty id")
        with self.transaction() as s:
            if s.get(OrganisationRow, org_id) is not None:
                raise ValidationError(f"organisation {org_id!r} already exists")
            s.add(OrganisationRow(id=org_id, name=name or org_id))
            record_history(s, org_id, "organisation", org_id, "created", None, None,
                           {"id": org_id, "name": name or org_id})
        return Organisation(id=org_id, name=name or org_id)

    def ensure_organisation(self, org_id: str, name: str | None = None) -> Organisation:
        """The organisation `org_id`, created if it does not exist yet."""
        with self.reading() as s:
            row = s.get(OrganisationRow, org_id)
            if row is not None:
                return convert.organisation(row)
        return self.create_organisation(org_id, name)

    def get_organisation(self, org_id: str) -> Organisation:
        with self.reading() as s:
            row = s.get(OrganisationRow, org_id)
            if row is None:
                raise NotFoundError(f"organisation {org_id!r} does not exist (try `okr init`)")
            return convert.organisation(row)

    def list_organisations(self) -> list[Organisation]:
        with self.reading() as s:
            rows = s.scalars(select(OrganisationRow).order_by(OrganisationRow.id))
            return [convert.organisation(r) for r in rows]

    def delete_organisation(self, org_id: str) -> None:
        """Remove an organisation and everything it holds, history included."""
        with self.transaction() as s:
            _delete_org_contents(s, org_id)
            s.execute(delete(HistoryRow).where(HistoryRow.org_id == org_id))
            s.execute(delete(OrganisationRow).where(OrganisationRow.id == org_id))

    # -- reads ----------------------------------------------------------------

    def list_teams(self, org_id: str) -> list[Team]:
        with self.reading() as s:
            rows = s.scalars(select(TeamRow).where(TeamRow.org_id == org_id)
                             .order_by(TeamRow.position, TeamRow.id))
            return [convert.team(r) for r in rows]

    def list_people(self, org_id: str) -> list[Person]:
        with self.reading() as s:
            rows = s.scalars(select(PersonRow).where(PersonRow.org_id == org_id)
                             .order_by(PersonRow.id))
            return [convert.person(r) for r in rows]

    def list_cycles(self, org_id: str) -> list[Cycle]:
        """The organisation's cycles, oldest first."""
        with self.reading() as s:
            rows = s.scalars(select(CycleRow).where(CycleRow.org_id == org_id)
                             .order_by(CycleRow.start, CycleRow.end, CycleRow.id))
            return [convert.cycle(r) for r in rows]

    def get_cycle(self, org_id: str, ref: str) -> Cycle:
        """A cycle by id or by name."""
        with self.reading() as s:
            return convert.cycle(_cycle_row(s, org_id, ref))

    def current_cycle(self, org_id: str, today: date | None = None) -> Cycle | None:
        """The shortest open cycle containing today, else the latest cycle, else None."""
        cycles = self.list_cycles(org_id)
        day = today or now().date()
        open_now = [c for c in cycles if c.start <= day <= c.end and not c.closed]
        if open_now:
            return min(open_now, key=lambda c: c.end - c.start)
        return cycles[-1] if cycles else None

    def list_objectives(self, org_id: str, cycle_id: str | None = None,
                        team_id: str | None = None) -> list[Objective]:
        """Objectives with their key results and check-ins, in stored order."""
        with self.reading() as s:
            query = select(ObjectiveRow).where(ObjectiveRow.org_id == org_id)
            if cycle_id is not None:
                query = query.where(ObjectiveRow.cycle_id == _cycle_row(s, org_id, cycle_id).id)
            if team_id is not None:
                query = query.where(ObjectiveRow.team_id == team_id)
            rows = list(s.scalars(query.order_by(ObjectiveRow.cycle_id, ObjectiveRow.position,
                                                 ObjectiveRow.id)))
            return _assemble(s, org_id, rows)

    def get_objective(self, org_id: str, objective_id: str) -> Objective:
        with self.reading() as s:
            row = s.get(ObjectiveRow, (org_id, objective_id))
            if row is None:
                raise NotFoundError(f"objective {objective_id!r} not found in organisation "
                                    f"{org_id!r}")
            return _assemble(s, org_id, [row])[0]

    def get_key_result(self, org_id: str, kr_id: str) -> KeyResult:
        with self.reading() as s:
            row = _kr_row(s, org_id, kr_id)
            check_ins = s.scalars(select(CheckInRow).where(CheckInRow.org_id == org_id,
                                                           CheckInRow.kr_id == kr_id))
            return convert.key_result(row, check_ins)

    def find(self, org_id: str, entity_id: str) -> Objective | KeyResult:
        """The objective or key result with this id (objectives first)."""
        with self.reading() as s:
            if s.get(ObjectiveRow, (org_id, entity_id)) is not None:
                return self.get_objective(org_id, entity_id)
            if s.get(KeyResultRow, (org_id, entity_id)) is not None:
                return self.get_key_result(org_id, entity_id)
        raise NotFoundError(f"no objective or key result {entity_id!r} in organisation "
                            f"{org_id!r}")

    def alignments(self, org_id: str) -> list[AlignmentLink]:
        with self.reading() as s:
            rows = s.scalars(select(AlignmentRow).where(AlignmentRow.org_id == org_id)
                             .order_by(AlignmentRow.position, AlignmentRow.id))
            return [AlignmentLink(org_id, r.child_id, r.parent_id) for r in rows]

    def dependencies(self, org_id: str) -> list[Dependency]:
        with self.reading() as s:
            rows = s.scalars(select(DependencyRow).where(DependencyRow.org_id == org_id)
                             .order_by(DependencyRow.position, DependencyRow.id))
            return [Dependency(org_id, r.kr_id, r.upstream_kr_id) for r in rows]

    def history(self, org_id: str, entity_id: str | None = None) -> list[HistoryEntry]:
        """Changes in the order they happened, all of the organisation or one entity's."""
        with self.reading() as s:
            query = select(HistoryRow).where(HistoryRow.org_id == org_id)
            if entity_id is not None:
                query = query.where(HistoryRow.entity_id == entity_id)
            rows = s.scalars(query.order_by(HistoryRow.id))
            return [HistoryEntry(org_id=r.org_id, entity=r.entity, entity_id=r.entity_id,
                                 action=r.action, actor=r.actor, at=r.at, before=r.before,
                                 after=r.after, reason=r.reason) for r in rows]

    # -- single writes ------------------------------------------------------------

    def add_check_in(self, org_id: str, kr_id: str, value: float,
                     confidence: float | None = None, note: str = "",
                     author: str | None = None,
                     source: CheckInSource = CheckInSource.MANUAL,
                     at: datetime | None = None) -> CheckIn:
        """Record progress on a key result and move its `current` to the latest value.

        Refused (nothing written) when the key result is not in the
        organisation, its objective is closed or retired, its cycle is
        closed, the value is not a finite number, or the confidence is
        outside 0..1.
        """
        where = f"check-in on key result {kr_id!r}"
        _check_number("value", value, where)
        _check_number("confidence", confidence, where)
        if confidence is not None and not 0 <= confidence <= 1:
            raise ValidationError(f"{where}: confidence must be between 0 and 1, "
                                  f"got {confidence}")
        source = CheckInSource(source)
        when = at or now()
        with self.transaction() as s:
            kr = _kr_row(s, org_id, kr_id)
            objective = s.get(ObjectiveRow, (org_id, kr.objective_id))
            if objective is not None and objective.state in (ObjectiveState.CLOSED,
                                                             ObjectiveState.RETIRED):
                raise ValidationError(f"{where}: its objective {objective.id!r} is "
                                      f"{objective.state}; check-ins are closed")
            cycle = s.get(CycleRow, (org_id, objective.cycle_id)) if objective else None
            if cycle is not None and cycle.closed:
                raise ValidationError(f"{where}: its cycle {cycle.name!r} is closed; "
                                      "check-ins are closed")
            last_position = s.scalar(select(func.max(CheckInRow.position)).where(
                CheckInRow.org_id == org_id, CheckInRow.kr_id == kr_id))
            row = CheckInRow(org_id=org_id, kr_id=kr_id, at=when, value=value,
                             confidence=confidence, note=note, author_id=author,
                             source=source.value, position=(last_position or 0) + 1)
            s.add(row)
            s.flush()
            latest = s.scalars(select(CheckInRow).where(
                CheckInRow.org_id == org_id, CheckInRow.kr_id == kr_id)
                .order_by(CheckInRow.at.desc(), CheckInRow.position.desc()).limit(1)).one()
            before = kr.current
            kr.current = latest.value
            result = convert.check_in(row)
            record_history(s, org_id, "check_in", kr_id, "checked_in", author,
                           {"current": before},
                           {"current": kr.current, **convert.jsonable(result)})
            return result

    def set_objective_state(self, org_id: str, objective_id: str,
                            new_state: ObjectiveState | str, actor: str | None,
                            reason: str | None = None) -> Objective:
        """Move an objective along `STATE_TRANSITIONS`, recording who, when and why.

        In a closed cycle an objective may only be closed or retired: a closed
        quarter's results are final, so nothing in it is published again.
        """
        try:
            target = ObjectiveState(new_state)
        except ValueError:
            allowed = ", ".join(s.value for s in ObjectiveState)
            raise ValidationError(f"unknown state {new_state!r} (one of: {allowed})") from None
        with self.transaction() as s:
            row = s.get(ObjectiveRow, (org_id, objective_id))
            if row is None:
                raise NotFoundError(f"objective {objective_id!r} not found in organisation "
                                    f"{org_id!r}")
            current = ObjectiveState(row.state)
            if target not in STATE_TRANSITIONS[current]:
                allowed = ", ".join(sorted(STATE_TRANSITIONS[current])) or "none"
                raise TransitionError(f"objective {objective_id!r} cannot go from {current} to "
                                      f"{target} (allowed from {current}: {allowed})")
            cycle = s.get(CycleRow, (org_id, row.cycle_id))
            if cycle is not None and cycle.closed and target not in _FINAL_STATES:
                raise TransitionError(f"objective {objective_id!r} is in the closed cycle "
                                      f"{cycle.name!r}; it can only be closed or retired")
            row.state = target.value
            record_history(s, org_id, "objective", objective_id, "state_changed", actor,
                           {"state": current.value}, {"state": target.value}, reason)
            s.flush()
            return _assemble(s, org_id, [row])[0]

    def close_cycle(self, org_id: str, cycle_ref: str, actor: str | None,
                    reason: str | None = None) -> Cycle:
        """End a cycle (by id or name): its results become final, in one transaction.

        Published objectives become closed (their scores are the cycle's
        outcome); drafts and objectives still in review were never committed
        to, so they are retired with the reason "cycle closed"; closed and
        retired ones stay as they are. Each change and the cycle's own close
        get a history row. Afterwards check-ins on the cycle are refused and
        its objectives can't be published again. Nested cycles are closed one
        by one: closing a cycle leaves its child cycles alone.

        Raises `TransitionError` when the cycle is already closed and
        `NotFoundError` when the organisation has no such cycle.
        """
        with self.transaction() as s:
            cycle = _cycle_row(s, org_id, cycle_ref)
            if cycle.closed:
                raise TransitionError(f"cycle {cycle.name!r} is already closed")
            at = now()
            moved: dict[str, int] = defaultdict(int)
            rows = s.scalars(select(ObjectiveRow).where(
                ObjectiveRow.org_id == org_id, ObjectiveRow.cycle_id == cycle.id)
                .order_by(ObjectiveRow.position, ObjectiveRow.id))
            for row in rows:
                current = ObjectiveState(row.state)
                if current in _FINAL_STATES:
                    continue
                target = (ObjectiveState.CLOSED if current is ObjectiveState.PUBLISHED
                          else ObjectiveState.RETIRED)
                row.state = target.value
                why = reason if target is ObjectiveState.CLOSED else "cycle closed"
                record_history(s, org_id, "objective", row.id, "state_changed", actor,
                               {"state": current.value}, {"state": target.value}, why, at=at)
                moved[target.value] += 1
            cycle.closed = True
            record_history(s, org_id, "cycle", cycle.id, "closed", actor, {"closed": False},
                           {"closed": True, "objectives_closed": moved["closed"],
                            "objectives_retired": moved["retired"]}, reason, at=at)
            s.flush()
            return convert.cycle(cycle)

    def objective_states(self, org_id: str) -> dict[str, dict[ObjectiveState, int]]:
        """How many objectives each cycle (by id) holds in each state; cycles without any
        are left out."""
        with self.reading() as s:
            rows = s.execute(select(ObjectiveRow.cycle_id, ObjectiveRow.state, func.count())
                             .where(ObjectiveRow.org_id == org_id)
                             .group_by(ObjectiveRow.cycle_id, ObjectiveRow.state))
            out: dict[str, dict[ObjectiveState, int]] = defaultdict(dict)
            for cycle_id, state, n in rows:
                out[cycle_id][ObjectiveState(state)] = int(n)
            return dict(out)

    def update_key_result(self, org_id: str, kr_id: str, changes: Mapping[str, Any],
                          actor: str | None, reason: str | None = None) -> KeyResult:
        """Change some of a key result's fields (see `KR_FIELDS`), with history."""
        unknown = sorted(set(changes) - KR_FIELDS)
        where = f"key result {kr_id!r}"
        if unknown:
            raise ValidationError(f"{where}: cannot change {', '.join(unknown)} "
                                  f"(changeable: {', '.join(sorted(KR_FIELDS))})")
        clean: dict[str, Any] = {}
        for name, value in changes.items():
            if name in _NUMERIC:
                _check_number(name, value, where)
                clean[name] = value
            elif name == "kind":
                clean[name] = _enum(KRKind, value, where, name).value
            elif name == "direction":
                clean[name] = _enum(Direction, value, where, name).value
            elif name == "text" and (not isinstance(value, str) or not value.strip()):
                raise ValidationError(f"{where}: text must be a non-empty string")
            else:
                clean[name] = value
        with self.transaction() as s:
            row = _kr_row(s, org_id, kr_id)
            if "owner_id" in clean and clean["owner_id"] is not None \
                    and s.get(PersonRow, (org_id, clean["owner_id"])) is None:
                raise ValidationError(f"{where}: owner {clean['owner_id']!r} is not a person "
                                      f"in organisation {org_id!r}")
            before = {k: getattr(row, k) for k in clean}
            for k, v in clean.items():
                setattr(row, k, v)
            record_history(s, org_id, "key_result", kr_id, "updated", actor, before,
                           dict(clean), reason)
            s.flush()
            check_ins = s.scalars(select(CheckInRow).where(CheckInRow.org_id == org_id,
                                                           CheckInRow.kr_id == kr_id))
            return convert.key_result(row, check_ins)

    # -- bulk ---------------------------------------------------------------

    def save_snapshot(self, snapshot: OrgSnapshot, *, replace: bool = False,
                      actor: str | None = None) -> None:
        """Write a whole snapshot in one transaction.

        Semantics: with `replace=True` everything the organisation held
        (history included) is removed first. Otherwise entities are upserted
        by id (organisation, teams, people, cycles, objectives, key results),
        and for each key result in the snapshot its check-ins, dependencies and
        alignment links from it are replaced by the snapshot's; entities not
        in the snapshot are left alone. Positions follow the snapshot's order.
        A key result given without `current` but with check-ins gets its
        latest check-in's value. Each objective and key result written gets a
        history entry (`created` or `updated` with the previous fields).
        """
        from okr.store.bulk import write_snapshot

        with self.transaction() as s:
            write_snapshot(s, snapshot, replace=replace, actor=actor)

    def load_snapshot(self, org_id: str, cycle_id: str | None = None) -> OrgSnapshot:
        """Everything the organisation holds, or the objectives of one cycle (by id or name).

        Teams and people are always the whole organisation's; alignment links
        and dependencies are those whose child (or dependent KR) is loaded.
        """
        with self.reading() as s:
            org = s.get(OrganisationRow, org_id)
            if org is None:
                raise NotFoundError(f"organisation {org_id!r} does not exist")
            cycles_q = select(CycleRow).where(CycleRow.org_id == org_id)
            obj_q = select(ObjectiveRow).where(ObjectiveRow.org_id == org_id)
            if cycle_id is not None:
                cycle = _cycle_row(s, org_id, cycle_id)
                cycles_q = cycles_q.where(CycleRow.id == cycle.id)
                obj_q = obj_q.where(ObjectiveRow.cycle_id == cycle.id)
            cycles = [convert.cycle(r) for r in s.scalars(
                cycles_q.order_by(CycleRow.start, CycleRow.end, CycleRow.id))]
            objective_rows = list(s.scalars(obj_q.order_by(
                ObjectiveRow.cycle_id, ObjectiveRow.position, ObjectiveRow.id)))
            objectives = _assemble(s, org_id, objective_rows,
                                   cycle.id if cycle_id is not None else None)
            loaded = {o.id for o in objectives} | {k.id for o in objectives
                                                  for k in o.key_results}
            kr_ids = {k.id for o in objectives for k in o.key_results}
            links = [AlignmentLink(org_id, r.child_id, r.parent_id) for r in s.scalars(
                select(AlignmentRow).where(AlignmentRow.org_id == org_id)
                .order_by(AlignmentRow.position, AlignmentRow.id)) if r.child_id in loaded]
            deps = [Dependency(org_id, r.kr_id, r.upstream_kr_id) for r in s.scalars(
                select(DependencyRow).where(DependencyRow.org_id == org_id)
                .order_by(DependencyRow.position, DependencyRow.id)) if r.kr_id in kr_ids]
            teams = [convert.team(r) for r in s.scalars(
                select(TeamRow).where(TeamRow.org_id == org_id)
                .order_by(TeamRow.position, TeamRow.id))]
            people = [convert.person(r) for r in s.scalars(
                select(PersonRow).where(PersonRow.org_id == org_id).order_by(PersonRow.id))]
            return OrgSnapshot(organisation=convert.organisation(org), teams=tuple(teams),
                               people=tuple(people), cycles=tuple(cycles),
                               objectives=tuple(objectives), alignments=tuple(links),
                               dependencies=tuple(deps))

    def counts(self, org_id: str) -> dict[str, int]:
        """How many rows of each kind the organisation holds."""
        tables: dict[str, Any] = {"teams": TeamRow, "people": PersonRow, "cycles": CycleRow,
                                  "objectives": ObjectiveRow, "key_results": KeyResultRow,
                                  "check_ins": CheckInRow, "alignments": AlignmentRow,
                                  "dependencies": DependencyRow, "history": HistoryRow}
        with self.reading() as s:
            return {name: int(s.scalar(select(func.count()).select_from(t)
                                       .where(t.org_id == org_id)) or 0)
                    for name, t in tables.items()}

    # -- decisions and nudges (the risk radar's records) --------------------------

    def record_decision(self, org_id: str, kr_id: str, decision: Mapping[str, Any],
                        actor: str | None, reason: str | None = None) -> HistoryEntry:
        """Record an approved decision on a key result (e.g. a chosen recovery playbook).

        Only a history row is written (action "decided"); the key result itself
        is not changed, so a decision to adjust a target is carried out later,
        by a person, with `update_key_result`.
        """
        with self.transaction() as s:
            _kr_row(s, org_id, kr_id)
            at = now()
            record_history(s, org_id, "key_result", kr_id, "decided", actor, None,
                           dict(decision), reason, at=at)
        return HistoryEntry(org_id=org_id, entity="key_result", entity_id=kr_id,
                            action="decided", actor=actor, at=at, before=None,
                            after=dict(decision), reason=reason)

    def record_nudge(self, org_id: str, person_id: str, message: Mapping[str, Any],
                     actor: str | None = None, at: datetime | None = None) -> None:
        """Record that a person was sent a nudge (history action "nudged"), for the weekly cap."""
        with self.transaction() as s:
            if s.get(PersonRow, (org_id, person_id)) is None:
                raise NotFoundError(f"person {person_id!r} not found in organisation {org_id!r}")
            record_history(s, org_id, "person", person_id, "nudged", actor, None,
                           dict(message), None, at=at)

    def nudges_since(self, org_id: str, since: datetime) -> list[HistoryEntry]:
        """The nudges sent to the organisation's people at or after `since`, oldest first."""
        with self.reading() as s:
            rows = s.scalars(select(HistoryRow).where(
                HistoryRow.org_id == org_id, HistoryRow.entity == "person",
                HistoryRow.action == "nudged", HistoryRow.at >= since)
                .order_by(HistoryRow.id))
            return [HistoryEntry(org_id=r.org_id, entity=r.entity, entity_id=r.entity_id,
                                 action=r.action, actor=r.actor, at=r.at, before=r.before,
                                 after=r.after, reason=r.reason) for r in rows]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _enum(kind: Any, value: Any, where: str, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise ValidationError(f"{where}: {name} {value!r} is not one of {allowed}") from None


def _cycle_row(s: Session, org_id: str, ref: str) -> CycleRow:
    row = s.get(CycleRow, (org_id, ref)) or s.scalars(
        select(CycleRow).where(CycleRow.org_id == org_id, CycleRow.name == ref)).first()
    if row is None:
        raise NotFoundError(f"cycle {ref!r} not found in organisation {org_id!r}")
    return row


def _kr_row(s: Session, org_id: str, kr_id: str) -> KeyResultRow:
    row = s.get(KeyResultRow, (org_id, kr_id))
    if row is None:
        raise NotFoundError(f"key result {kr_id!r} not found in organisation {org_id!r}")
    return row


def _assemble(s: Session, org_id: str, rows: Sequence[ObjectiveRow],
              cycle_id: str | None = None) -> list[Objective]:
    """Objective rows with their key results and check-ins, batch-loaded.

    Key results and check-ins are read as plain rows (not ORM objects): a
    whole organisation can hold hundreds of thousands of check-ins.
    """
    if not rows:
        return []
    ids = [r.id for r in rows]
    krt, cit, objt = KeyResultRow.__table__, CheckInRow.__table__, ObjectiveRow.__table__
    kr_q = select(krt).where(krt.c.org_id == org_id)
    ci_q = select(cit).where(cit.c.org_id == org_id)
    krs: list[Any] = []
    cis: list[Any] = []
    if len(ids) <= _CHUNK:
        krs = list(s.execute(kr_q.where(krt.c.objective_id.in_(ids))))
        for part in _chunks([k.id for k in krs]):
            cis.extend(s.execute(ci_q.where(cit.c.kr_id.in_(part))))
    else:
        wanted = set(ids)
        if cycle_id is not None:
            in_cycle = select(objt.c.id).where(objt.c.org_id == org_id,
                                               objt.c.cycle_id == cycle_id)
            kr_q = kr_q.where(krt.c.objective_id.in_(in_cycle))
            ci_q = ci_q.where(cit.c.kr_id.in_(
                select(krt.c.id).where(krt.c.org_id == org_id,
                                       krt.c.objective_id.in_(in_cycle))))
        krs = [k for k in s.execute(kr_q) if k.objective_id in wanted]
        kr_wanted = {k.id for k in krs}
        cis = [c for c in s.execute(ci_q) if c.kr_id in kr_wanted]
    by_kr: dict[str, list[Any]] = defaultdict(list)
    for c in cis:
        by_kr[c.kr_id].append(c)
    by_obj: dict[str, list[KeyResult]] = defaultdict(list)
    for k in sorted(krs, key=lambda k: (k.position, k.id)):
        by_obj[k.objective_id].append(convert.key_result(k, by_kr.get(k.id, ())))
    return [convert.objective(r, by_obj.get(r.id, ())) for r in rows]


def _delete_org_contents(s: Session, org_id: str) -> None:
    """Delete an organisation's OKR data (children first; works without cascades)."""
    for table in (CheckInRow, DependencyRow, AlignmentRow, KeyResultRow, ObjectiveRow,
                  CycleTeamRow, CycleRow, PersonRow, TeamRow):
        s.execute(delete(table).where(table.org_id == org_id))


__all__ = ["KR_FIELDS", "Store", "record_history"]
