"""Typed retrieval: similar past OKRs, lessons and notes, filtered and citable."""

from __future__ import annotations

from collections.abc import Callable

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from memory import DocKind, Memory, MiniLMEmbeddingFunction, ingest_closed_cycles
from memory import strategy_documents as docs
from okr.errors import ValidationError
from okr.models import OrgSnapshot

Snap = Callable[[str], OrgSnapshot]


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbeddingFunction,
           snapshot_of: Snap) -> Memory:
    client = chromadb.PersistentClient(path=str(tmp_path_factory.mktemp("ret")),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    memory = Memory.for_org("acme", client=client, embedder=embedder)
    ingest_closed_cycles(memory, snapshot_of("acme"))
    return memory


def test_similar_okrs_returns_past_objectives_with_scores_and_sources(memory: Memory) -> None:
    hits = memory.similar_okrs("reduce churn", k=5)
    assert len(hits) == 5
    assert all(h.kind is DocKind.OBJECTIVE for h in hits)
    assert all(h.okr_score is not None and 0.0 <= h.okr_score <= 1.0 for h in hits)
    assert all(h.source_ids[0].startswith("o-") and len(h.source_ids) > 1 for h in hits)
    assert [h.similarity for h in hits] == sorted((h.similarity for h in hits), reverse=True)
    assert "churn" in hits[0].text.lower()


def test_a_team_filter_takes_the_name_or_the_id(memory: Memory) -> None:
    by_name = memory.similar_okrs("reduce churn", team="Customer Success")
    by_id = memory.similar_okrs("reduce churn", team="t-customer-success")
    assert by_name and [h.key for h in by_name] == [h.key for h in by_id]
    assert {h.team for h in by_name} == {"Customer Success"}


def test_cycles_and_minimum_score_narrow_the_results(memory: Memory) -> None:
    hits = memory.similar_okrs("customers", cycles=["2026-Q1", "c-2026q2"], min_score=0.5,
                               k=20)
    assert hits
    assert {h.cycle for h in hits} <= {"2026-Q1", "2026-Q2"}
    assert all(h.okr_score is not None and h.okr_score >= 0.5 for h in hits)


def test_lessons_are_objectives_and_closing_notes_of_the_team(memory: Memory) -> None:
    hits = memory.lessons_for("Product", "what blocked us", k=20)
    assert hits
    assert {h.team for h in hits} == {"Product"}
    for h in hits:
        assert h.kind is DocKind.OBJECTIVE or h.metadata.get("final") is True


def test_notes_about_a_key_result_come_oldest_first(memory: Memory) -> None:
    kr_id = next(h.source_ids[1] for h in memory.similar_okrs("churn", k=1))
    notes = memory.notes_about(kr_id)
    assert notes
    assert all(h.kind is DocKind.CHECK_IN and h.source_ids[0] == kr_id for h in notes)
    assert [h.date for h in notes] == sorted(h.date or "" for h in notes)


def test_strategy_documents_are_split_and_found(memory: Memory) -> None:
    text = "\n\n".join(f"Paragraph {n}: " + "we focus on enterprise healthcare buyers. " * 10
                       for n in range(4))
    pieces = docs("strategy-2027.md", "Strategy 2027", text, chunk_words=130)
    assert len(pieces) == 2
    memory.add(pieces)
    hits = memory.search("selling to hospitals", kinds=[DocKind.STRATEGY], k=5)
    assert {h.key for h in hits} == {p.key for p in pieces}
    memory.forget_source("strategy-2027.md")
    assert memory.search("selling to hospitals", kinds=[DocKind.STRATEGY], k=5) == []


def test_an_empty_query_is_refused(memory: Memory) -> None:
    with pytest.raises(ValidationError):
        memory.similar_okrs("   ")
