"""The quarter file of shared/spec/risk.md: a cycle's teams, OKRs and check-ins.

It is the exchange format of the risk detector and of import/export. Numbers
keep the form they were written in (`42` stays `42`, `2.0` stays `2.0`), so
that a file read and written again is byte-for-byte the same.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from okr.errors import ValidationError as OKRValidationError

Number = int | float


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QCycle(_Strict):
    name: str
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> QCycle:
        if self.end < self.start:
            raise ValueError(f"cycle ends ({self.end}) before it starts ({self.start})")
        return self


class QTeam(_Strict):
    id: str
    name: str
    parent: str | None


class QObjective(_Strict):
    id: str
    team: str
    title: str
    parent: str | None


class QCheckIn(_Strict):
    date: date
    value: Number
    confidence: float | None = Field(default=None, ge=0, le=1)
    note: str = ""


class QKeyResult(_Strict):
    id: str
    objective: str
    owner: str | None
    text: str
    kind: Literal["metric", "percent", "milestone"]
    direction: Literal["increase", "decrease"]
    baseline: Number
    target: Number
    unit: str | None
    depends_on: list[str] = Field(default_factory=list)
    check_ins: list[QCheckIn] = Field(default_factory=list)


class QuarterFile(_Strict):
    cycle: QCycle
    as_of: date
    teams: list[QTeam]
    objectives: list[QObjective]
    key_results: list[QKeyResult]

    @model_validator(mode="after")
    def _references_resolve(self) -> QuarterFile:
        problems: list[str] = []
        team_ids = {t.id for t in self.teams}
        obj_ids = {o.id for o in self.objectives}
        kr_ids = {k.id for k in self.key_results}
        for kind, ids in (("team", [t.id for t in self.teams]),
                          ("objective", [o.id for o in self.objectives]),
                          ("key result", [k.id for k in self.key_results])):
            seen: set[str] = set()
            for i in ids:
                if i in seen:
                    problems.append(f"{kind} id {i!r} appears more than once")
                seen.add(i)
        for t in self.teams:
            if t.parent is not None and t.parent not in team_ids:
                problems.append(f"team {t.id!r}: parent {t.parent!r} is not a team in the file")
        for o in self.objectives:
            if o.team not in team_ids:
                problems.append(f"objective {o.id!r}: team {o.team!r} is not a team in the file")
            if o.parent is not None and o.parent not in obj_ids:
                problems.append(f"objective {o.id!r}: parent {o.parent!r} is not an objective")
        for k in self.key_results:
            if k.objective not in obj_ids:
                problems.append(
                    f"key result {k.id!r}: objective {k.objective!r} is not in the file"
                )
            for dep in k.depends_on:
                if dep not in kr_ids:
                    problems.append(f"key result {k.id!r}: depends_on {dep!r} is not a key result")
            for c in k.check_ins:
                if c.date > self.as_of:
                    problems.append(f"key result {k.id!r}: check-in {c.date} is after as_of")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def parse_quarter(text: str, source: str = "<quarter file>") -> QuarterFile:
    """Parse and validate a quarter file, naming every problem and where it is."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise OKRValidationError(
            f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    try:
        return QuarterFile.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{'/'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}"
                    for err in exc.errors()]
        raise OKRValidationError(f"{source}: not a valid quarter file", problems) from exc


def load_quarter(path: Path) -> QuarterFile:
    """Read a quarter file from disk."""
    return parse_quarter(path.read_text(encoding="utf-8"), source=str(path))


def dump_quarter(quarter: QuarterFile) -> str:
    """Serialise in the canonical layout (one-space indent, key order of the spec)."""
    data = quarter.model_dump(mode="json")
    for kr in data["key_results"]:
        for check_in in kr["check_ins"]:
            if check_in["confidence"] is None:
                del check_in["confidence"]
    return json.dumps(data, indent=1) + "\n"
