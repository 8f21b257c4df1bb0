"""The store's tables as a typed SQLAlchemy 2 ORM.

Every table that holds an organisation's data carries `org_id`, and the
entity tables use `(org_id, id)` as their key, so two organisations may use
the same ids (two companies importing the same file) and a foreign key can
never point across organisations. Foreign keys are deferred to commit so bulk
writes need not be ordered. `position` keeps the order entities were given in
(file order for imports) so exports reproduce it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from okr.store.types import ExactNumber, Number, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = String(200)


def _fk(cols: list[str], table: str, refcols: list[str], cascade: bool = True,
        name: str | None = None) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        cols, [f"{table}.{c}" for c in refcols],
        ondelete="CASCADE" if cascade else None,
        deferrable=True, initially="DEFERRED", name=name,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))


def _org_fk() -> Mapped[str]:
    return mapped_column(ID, ForeignKey("organisations.id", ondelete="CASCADE",
                                        deferrable=True, initially="DEFERRED"),
                         primary_key=True)


class TeamRow(Base):
    __tablename__ = "teams"
    __table_args__ = (
        _fk(["org_id", "parent_id"], "teams", ["org_id", "id"], name="fk_teams_parent"),
    )

    org_id: Mapped[str] = _org_fk()
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(ID)
    name: Mapped[str] = mapped_column(String(300))
    parent_id: Mapped[str | None] = mapped_column(ID)
    function: Mapped[str | None] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)


class PersonRow(Base):
    __tablename__ = "people"
    __table_args__ = (
        _fk(["org_id", "team_id"], "teams", ["org_id", "id"], name="fk_people_team"),
        Index("ix_people_email", "org_id", "email"),
    )

    org_id: Mapped[str] = _org_fk()
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    email: Mapped[str | None] = mapped_column(String(320))
    team_id: Mapped[str | None] = mapped_column(ID)


class CycleRow(Base):
    __tablename__ = "cycles"
    __table_args__ = (
        _fk(["org_id", "parent_id"], "cycles", ["org_id", "id"], name="fk_cycles_parent"),
        UniqueConstraint("org_id", "name", name="uq_cycles_org_name"),
    )

    org_id: Mapped[str] = _org_fk()
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[str | None] = mapped_column(ID)
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The quarter file's `as_of` when the cycle was imported from one.
    as_of: Mapped[date | None] = mapped_column(Date)


class CycleTeamRow(Base):
    """The teams a cycle's quarter file listed, in its order."""

    __tablename__ = "cycle_teams"
    __table_args__ = (
        _fk(["org_id", "cycle_id"], "cycles", ["org_id", "id"], name="fk_cycle_teams_cycle"),
        _fk(["org_id", "team_id"], "teams", ["org_id", "id"], name="fk_cycle_teams_team"),
    )

    org_id: Mapped[str] = _org_fk()
    cycle_id: Mapped[str] = mapped_column(ID, primary_key=True)
    team_id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class ObjectiveRow(Base):
    __tablename__ = "objectives"
    __table_args__ = (
        _fk(["org_id", "cycle_id"], "cycles", ["org_id", "id"], name="fk_objectives_cycle"),
        _fk(["org_id", "team_id"], "teams", ["org_id", "id"], cascade=False,
            name="fk_objectives_team"),
        _fk(["org_id", "owner_id"], "people", ["org_id", "id"], cascade=False,
            name="fk_objectives_owner"),
        Index("ix_objectives_cycle", "org_id", "cycle_id", "position"),
    )

    org_id: Mapped[str] = _org_fk()
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(ID)
    cycle_id: Mapped[str] = mapped_column(ID)
    title: Mapped[str] = mapped_column(Text)
    team_id: Mapped[str | None] = mapped_column(ID)
    level: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[str | None] = mapped_column(ID)
    state: Mapped[str] = mapped_column(String(20))
    visibility: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)


class KeyResultRow(Base):
    __tablename__ = "key_results"
    __table_args__ = (
        _fk(["org_id", "objective_id"], "objectives", ["org_id", "id"],
            name="fk_key_results_objective"),
        _fk(["org_id", "owner_id"], "people", ["org_id", "id"], cascade=False,
            name="fk_key_results_owner"),
        Index("ix_key_results_objective", "org_id", "objective_id"),
    )

    org_id: Mapped[str] = _org_fk()
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(ID)
    objective_id: Mapped[str] = mapped_column(ID)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(20))
    baseline: Mapped[Number | None] = mapped_column(ExactNumber)
    target: Mapped[Number | None] = mapped_column(ExactNumber)
    current: Mapped[Number | None] = mapped_column(ExactNumber)
    #: NULL (no unit given) and "" are kept apart so quarter files round-trip.
    unit: Mapped[str | None] = mapped_column(String(100))
    owner_id: Mapped[str | None] = mapped_column(ID)
    weight: Mapped[Number | None] = mapped_column(ExactNumber)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CheckInRow(Base):
    __tablename__ = "check_ins"
    __table_args__ = (
        _fk(["org_id", "kr_id"], "key_results", ["org_id", "id"], name="fk_check_ins_kr"),
        Index("ix_check_ins_kr", "org_id", "kr_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(
        ID, ForeignKey("organisations.id", ondelete="CASCADE", deferrable=True,
                       initially="DEFERRED"))
    kr_id: Mapped[str] = mapped_column(ID)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    value: Mapped[Number] = mapped_column(ExactNumber)
    confidence: Mapped[float | None] = mapped_column(ExactNumber)
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[str | None] = mapped_column(ID)
    source: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)


class AlignmentRow(Base):
    """`child_id` contributes to `parent_id`; either end an objective or a KR."""

    __tablename__ = "alignments"
    __table_args__ = (
        UniqueConstraint("org_id", "child_id", "parent_id", name="uq_alignments_link"),
        Index("ix_alignments_parent", "org_id", "parent_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(
        ID, ForeignKey("organisations.id", ondelete="CASCADE", deferrable=True,
                       initially="DEFERRED"))
    child_id: Mapped[str] = mapped_column(ID)
    parent_id: Mapped[str] = mapped_column(ID)
    position: Mapped[int] = mapped_column(Integer, default=0)


class DependencyRow(Base):
    __tablename__ = "dependencies"
    __table_args__ = (
        _fk(["org_id", "kr_id"], "key_results", ["org_id", "id"], name="fk_dependencies_kr"),
        _fk(["org_id", "upstream_kr_id"], "key_results", ["org_id", "id"],
            name="fk_dependencies_upstream"),
        UniqueConstraint("org_id", "kr_id", "upstream_kr_id", name="uq_dependencies_link"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(
        ID, ForeignKey("organisations.id", ondelete="CASCADE", deferrable=True,
                       initially="DEFERRED"))
    kr_id: Mapped[str] = mapped_column(ID)
    upstream_kr_id: Mapped[str] = mapped_column(ID)
    position: Mapped[int] = mapped_column(Integer, default=0)


class HistoryRow(Base):
    __tablename__ = "history"
    __table_args__ = (Index("ix_history_entity", "org_id", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ID, index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(ID)
    action: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
