"""What is written stays written: across restarts, without duplicates, with one model."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from memory import (
    DocKind,
    EmbeddingModelMismatch,
    Memory,
    MiniLMEmbeddingFunction,
    OpenAICompatibleEmbeddingFunction,
    ingest_closed_cycles,
    open_memory,
)
from okr.models import OrgSnapshot
from okr.settings import Settings

Snap = Callable[[str], OrgSnapshot]

_REOPEN = """
import sys
from memory import open_memory
from okr.settings import Settings
memory = open_memory("acme", Settings())
hits = memory.similar_okrs("reduce churn", team="Customer Success", k=3)
print(memory.count(), hits[0].metadata["team"], len(hits[0].source_ids) > 1)
"""


def test_the_memory_survives_a_restart_of_the_process(tmp_path: Path, snapshot_of: Snap,
                                                        embedder: MiniLMEmbeddingFunction
                                                        ) -> None:
    settings = Settings(data_dir=tmp_path)
    memory = open_memory("acme", settings, embedder)
    ingest_closed_cycles(memory, snapshot_of("acme"), notes=False)
    count = memory.count()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKR_")}
    env["OKR_DATA_DIR"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c", _REOPEN], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.split() == [str(count), "t-customer-success", "True"]


def test_ingesting_twice_adds_no_duplicates(make_memory: Callable[[str], Memory],
                                            snapshot_of: Snap) -> None:
    memory = make_memory("acme")
    first = ingest_closed_cycles(memory, snapshot_of("acme"))
    count = memory.count()
    second = ingest_closed_cycles(memory, snapshot_of("acme"))
    assert first.written == count == first.objectives + first.notes
    assert second.written == 0
    assert memory.count() == count


def test_a_changed_note_is_rewritten_in_place(make_memory: Callable[[str], Memory],
                                              snapshot_of: Snap) -> None:
    memory = make_memory("acme")
    snapshot = snapshot_of("acme")
    ingest_closed_cycles(memory, snapshot, notes=True)
    count = memory.count()
    objective = next(o for o in snapshot.objectives if o.cycle_id == "c-2026q1")
    kr = objective.key_results[0]
    last = dataclasses.replace(kr.check_ins[-1], note="Missed: the vendor went bankrupt.")
    changed_kr = dataclasses.replace(kr, check_ins=(*kr.check_ins[:-1], last))
    changed = dataclasses.replace(objective, key_results=(changed_kr, *objective.key_results[1:]))
    edited = dataclasses.replace(snapshot, objectives=tuple(
        changed if o.id == objective.id else o for o in snapshot.objectives))
    report = ingest_closed_cycles(memory, edited)
    assert report.written == 2  # the note and the objective that quotes it as its outcome
    assert memory.count() == count
    assert memory.notes_about(kr.id)[-1].text.endswith("the vendor went bankrupt.")


def test_open_cycles_stay_out_of_memory(make_memory: Callable[[str], Memory],
                                        snapshot_of: Snap) -> None:
    memory = make_memory("acme")
    report = ingest_closed_cycles(memory, snapshot_of("acme"))
    assert "c-2026q4" not in report.cycles
    assert memory.search("customers", cycles=["c-2026q4"], k=10) == []
    assert memory.count(DocKind.OBJECTIVE) == report.objectives


def test_a_collection_built_by_one_model_refuses_another(
        make_memory: Callable[[str], Memory], client: object) -> None:
    from chromadb.api import ClientAPI

    assert isinstance(client, ClientAPI)
    make_memory("acme")
    other = OpenAICompatibleEmbeddingFunction(model="nomic-embed-text",
                                              base_url="http://127.0.0.1:9/v1")
    with pytest.raises(EmbeddingModelMismatch, match="all-MiniLM-L6-v2"):
        Memory.for_org("acme", client=client, embedder=other)


def test_the_model_that_built_a_collection_is_recorded(tmp_path: Path) -> None:
    memory = open_memory("acme", Settings(data_dir=tmp_path), MiniLMEmbeddingFunction())
    assert memory.model == "local:all-MiniLM-L6-v2"
    reopened = open_memory("acme", Settings(data_dir=tmp_path))
    assert reopened.model == memory.model
