"""The vector memory of past quarters: what was tried, what worked, and what people wrote.

`Memory.for_org` (or `open_memory`) gives one organisation's memory;
`ingest_closed_cycles` fills it from a snapshot; `similar_okrs`,
`lessons_for` and `notes_about` read it back with citable source ids.
"""

from __future__ import annotations

from chromadb.api.types import Documents, EmbeddingFunction

from memory.client import open_client
from memory.documents import DocKind, MemoryDocument, strategy_documents
from memory.embeddings import (
    MiniLMEmbeddingFunction,
    OpenAICompatibleEmbeddingFunction,
    embedder_from_settings,
)
from memory.ingest import IngestReport, ingest_closed_cycles
from memory.store import EmbeddingModelMismatch, Memory, MemoryHit
from okr.settings import Settings

__all__ = [
    "DocKind",
    "EmbeddingModelMismatch",
    "IngestReport",
    "Memory",
    "MemoryDocument",
    "MemoryHit",
    "MiniLMEmbeddingFunction",
    "OpenAICompatibleEmbeddingFunction",
    "embedder_from_settings",
    "ingest_closed_cycles",
    "open_memory",
    "strategy_documents",
]


def open_memory(org_id: str, settings: Settings,
                embedder: EmbeddingFunction[Documents] | None = None) -> Memory:
    """The memory of `org_id` as the settings configure it (embedded or server, which model)."""
    return Memory.for_org(org_id, client=open_client(settings),
                          embedder=embedder or embedder_from_settings(settings),
                          collection=settings.memory_collection)
