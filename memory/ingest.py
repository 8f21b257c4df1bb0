"""Writing an organisation's past into memory: closed cycles, their objectives and notes.

Ingestion is idempotent: documents have stable keys and unchanged ones are
skipped, so `okr memory rebuild` can run after every import or cycle close.
"""

from __future__ import annotations

from dataclasses import dataclass

from memory.documents import check_in_documents, closed_cycles, objective_document
from memory.store import Memory
from okr.errors import ValidationError
from okr.models import TRACKED_STATES, OrgSnapshot

__all__ = ["IngestReport", "ingest_closed_cycles"]


@dataclass(frozen=True)
class IngestReport:
    """What one ingestion found and how much of it was new or changed."""

    cycles: tuple[str, ...]
    objectives: int
    notes: int
    written: int


def ingest_closed_cycles(memory: Memory, snapshot: OrgSnapshot,
                         cycle_ids: set[str] | None = None, *,
                         notes: bool = True) -> IngestReport:
    """Remember every closed cycle of the snapshot (or only those in `cycle_ids`).

    Objectives of a closed cycle go in with their final scores and outcomes,
    and each non-empty check-in note goes in on its own. Open cycles are
    left out: their scores are not final yet. So are objectives that were
    never worked on (drafts retired when the cycle closed): a 0.00 score
    there says nothing about what was tried. `notes=False` skips the
    check-in notes (objectives only, much less to embed).
    """
    if snapshot.organisation.id != memory.org_id:
        raise ValidationError(f"snapshot of {snapshot.organisation.id!r} can't go into the "
                              f"memory of {memory.org_id!r}")
    teams = {t.id: t for t in snapshot.teams}
    cycles = [c for c in closed_cycles(snapshot) if cycle_ids is None or c.id in cycle_ids]
    by_id = {c.id: c for c in cycles}
    documents = []
    objectives = note_count = 0
    for objective in snapshot.objectives:
        cycle = by_id.get(objective.cycle_id)
        if cycle is None or objective.state not in TRACKED_STATES:
            continue
        documents.append(objective_document(objective, cycle, teams))
        objectives += 1
        if not notes:
            continue
        for doc in check_in_documents(objective, cycle, teams):
            documents.append(doc)
            note_count += 1
    written = memory.add(documents)
    return IngestReport(tuple(c.id for c in cycles), objectives, note_count, written)
