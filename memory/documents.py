"""What goes into memory: typed documents with stable ids, built from the domain's values.

A closed objective becomes one document (its key results, final scores and
closing notes in plain words); every non-empty check-in note becomes one; a
strategy document a user adds is one. Ids derive from the source ids, so
writing the same quarter twice overwrites rather than duplicates. Scores come
from `okr.scoring`, never recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from okr.models import CheckIn, Cycle, KeyResult, Objective, OrgSnapshot, Team
from okr.scoring import kr_score, latest_check_in, objective_score, status_for

__all__ = [
    "DocKind",
    "MemoryDocument",
    "Metadata",
    "check_in_documents",
    "closed_cycles",
    "objective_document",
    "strategy_documents",
]

Metadata = Mapping[str, str | int | float | bool]


class DocKind(StrEnum):
    OBJECTIVE = "objective"
    CHECK_IN = "check_in"
    RETROSPECTIVE = "retrospective"
    REVIEW = "review"
    STRATEGY = "strategy"


@dataclass(frozen=True)
class MemoryDocument:
    """One thing remembered. `key` is unique within the organisation and stable across runs.

    `metadata` holds team, cycle, score, date and source ids; the memory adds
    the organisation itself when it writes, so a document can't be filed
    under another tenant.
    """

    key: str
    kind: DocKind
    text: str
    metadata: Metadata = field(default_factory=dict)
    source_ids: tuple[str, ...] = ()


def _clean(values: Mapping[str, str | int | float | bool | None]) -> dict[str, str | int | float
                                                                         | bool]:
    return {k: v for k, v in values.items() if v is not None and v != ""}


def closed_cycles(snapshot: OrgSnapshot) -> list[Cycle]:
    """The cycles of the snapshot that are closed, oldest first."""
    return sorted((c for c in snapshot.cycles if c.closed), key=lambda c: c.start)


def _team_name(teams: Mapping[str, Team], team_id: str | None) -> str | None:
    team = teams.get(team_id) if team_id else None
    return team.name if team else None


def _outcome(kr: KeyResult) -> str:
    last = latest_check_in(kr.check_ins)
    return last.note.strip() if last is not None else ""


def _base(objective: Objective, cycle: Cycle, teams: Mapping[str, Team]
          ) -> dict[str, str | int | float | bool | None]:
    return {
        "team": objective.team_id,
        "team_name": _team_name(teams, objective.team_id),
        "cycle": cycle.id,
        "cycle_name": cycle.name,
        "level": objective.level.value,
        "objective_id": objective.id,
    }


def objective_document(objective: Objective, cycle: Cycle, teams: Mapping[str, Team]
                       ) -> MemoryDocument:
    """The closed objective as one document: title, each KR with its final score and outcome."""
    score = objective_score(objective.key_results, cycle.end)
    team = _team_name(teams, objective.team_id) or "company"
    lines = [f"Objective ({team}, {cycle.name}): {objective.title}. "
             f"Final score {score:.2f} ({status_for(score).value.replace('_', ' ')})."]
    for kr in objective.key_results:
        kr_final = kr_score(kr, cycle.end)
        outcome = _outcome(kr)
        line = f"- {kr.text}: scored {kr_final:.2f}."
        lines.append(f"{line} {outcome}" if outcome else line)
    metadata = _base(objective, cycle, teams) | {
        "score": round(score, 4),
        "status": status_for(score).value,
        "date": cycle.end.isoformat(),
        "title": objective.title,
    }
    return MemoryDocument(
        key=f"objective:{objective.id}",
        kind=DocKind.OBJECTIVE,
        text="\n".join(lines),
        metadata=_clean(metadata),
        source_ids=(objective.id, *(kr.id for kr in objective.key_results)),
    )


def _check_in_key(check_in: CheckIn) -> str:
    return check_in.id or f"{check_in.kr_id}@{check_in.at.isoformat()}"


def check_in_documents(objective: Objective, cycle: Cycle, teams: Mapping[str, Team]
                       ) -> Iterator[MemoryDocument]:
    """Each non-empty check-in note, with the key result it is about (for context in search)."""
    for kr in objective.key_results:
        last = latest_check_in(kr.check_ins)
        kr_final = kr_score(kr, cycle.end)
        for check_in in kr.check_ins:
            note = check_in.note.strip()
            if not note:
                continue
            day: date = check_in.at.date()
            final = last is not None and check_in is last
            metadata = _base(objective, cycle, teams) | {
                "kr_id": kr.id,
                "score": round(kr_final, 4),
                "date": day.isoformat(),
                "final": final,
                "value": check_in.value,
                "confidence": check_in.confidence,
            }
            text = f"Check-in on \"{kr.text}\" ({cycle.name}, {day.isoformat()}): {note}"
            yield MemoryDocument(
                key=f"check_in:{_check_in_key(check_in)}",
                kind=DocKind.CHECK_IN,
                text=text,
                metadata=_clean(metadata),
                source_ids=tuple(x for x in (kr.id, check_in.id) if x),
            )


def _chunks(text: str, words: int) -> list[str]:
    """Paragraphs grouped into pieces of about `words` words (the model reads 256 tokens)."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for paragraph in (p.strip() for p in text.split("\n\n")):
        if not paragraph:
            continue
        n = len(paragraph.split())
        if current and size + n > words:
            pieces.append("\n\n".join(current))
            current, size = [], 0
        current.append(paragraph)
        size += n
    if current:
        pieces.append("\n\n".join(current))
    return pieces


def strategy_documents(key: str, title: str, text: str, *, team: str | None = None,
                       cycle: str | None = None, day: date | None = None,
                       kind: DocKind = DocKind.STRATEGY,
                       chunk_words: int = 150) -> list[MemoryDocument]:
    """A document a person adds (strategy, retrospective, review), filed under `key`.

    Long texts are split at paragraph breaks into pieces the model reads
    whole; each piece carries the title and its position.
    """
    metadata = _clean({"team": team, "cycle": cycle, "title": title,
                       "date": day.isoformat() if day else None})
    pieces = _chunks(text, chunk_words)
    return [MemoryDocument(key=f"{kind.value}:{key}#{n}", kind=kind, text=f"{title}\n{piece}",
                           metadata={**metadata, "part": n}, source_ids=(key,))
            for n, piece in enumerate(pieces, start=1)]
