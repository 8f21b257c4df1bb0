"""What ingestion puts into memory, and what it leaves out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from memory import Memory, ingest_closed_cycles
from okr.models import ObjectiveState, OrgSnapshot


def test_objectives_retired_unworked_in_a_closed_cycle_are_not_remembered(
        make_memory: Callable[[str], Memory],
        snapshot_of: Callable[[str], OrgSnapshot]) -> None:
    snapshot = snapshot_of("acme")
    closed = {c.id for c in snapshot.cycles if c.closed}
    first = next(o for o in snapshot.objectives if o.cycle_id in closed)
    retired = dataclasses.replace(first, state=ObjectiveState.RETIRED)
    snapshot = dataclasses.replace(snapshot, objectives=tuple(
        retired if o.id == first.id else o for o in snapshot.objectives))
    memory = make_memory("acme")

    report = ingest_closed_cycles(memory, snapshot, notes=False)

    worked = [o for o in snapshot.objectives
              if o.cycle_id in closed and o.state is not ObjectiveState.RETIRED]
    assert report.objectives == len(worked)
    hits = memory.similar_okrs(first.title, k=10)
    assert all(first.id not in hit.source_ids for hit in hits)
