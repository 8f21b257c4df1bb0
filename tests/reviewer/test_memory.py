"""With a memory, past outcomes come from it and the review is written back into it."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from agents.reviewer import write_review
from agents.runtime import AgentContext
from memory import DocKind, Memory, MiniLMEmbeddingFunction, ingest_closed_cycles
from okr.demo import build_demo_org
from okr.settings import Settings

TODAY = date(2026, 11, 18)


@pytest.fixture(scope="module")
def sales_only():
    """The demo organisation cut to the Sales team (few texts to embed)."""
    full = build_demo_org("demo", today=TODAY)
    keep = tuple(dataclasses.replace(o, key_results=tuple(
        dataclasses.replace(kr, check_ins=kr.check_ins[-2:]) for kr in o.key_results))
        for o in full.objectives if o.team_id == "t-sales")
    return dataclasses.replace(full, objectives=keep, alignments=(), dependencies=())


@pytest.fixture
def memory(tmp_path: Path) -> Memory:
    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    return Memory.for_org("demo", client=client, embedder=MiniLMEmbeddingFunction())


def test_a_retrospective_reads_past_outcomes_from_memory_and_is_written_back(
        memory, sales_only, tmp_path):
    ingest_closed_cycles(memory, dataclasses.replace(
        sales_only, cycles=tuple(c for c in sales_only.cycles if c.name != "2026-Q3")))
    ctx = AgentContext.create(Settings(data_dir=tmp_path), org_id="demo", agent="reviewer",
                              llm=None, memory=memory)
    review = write_review(ctx, "retro", snapshot=sales_only, cycle="2026-Q3", today=TODAY)
    remembered = [f for f in review.facts.facts.values()
                  if f.kind == "past_outcome" and any(s.startswith("memory:") for s in f.sources)]
    assert remembered
    assert review.remembered == memory.count(DocKind.RETROSPECTIVE) > 0
    lessons = memory.lessons_for("t-sales", review.facts.objectives[0].title, k=10)
    assert any(h.kind is DocKind.RETROSPECTIVE for h in lessons)
