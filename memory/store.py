"""The memory of one organisation: write documents, search them, never see another tenant's.

All organisations share one Chroma collection; every record carries its
`org`, every id is prefixed by it, and every read this class makes ANDs the
organisation into its filter. The organisation is fixed when the object is
built (`Memory.for_org`) and no public method takes a filter of the caller's
own, so an unscoped query can't be expressed.

The collection records which embedding model built it (`embedding_model` in
its metadata); opening it with another model raises `EmbeddingModelMismatch`
instead of silently mixing vector spaces.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.errors import NotFoundError as ChromaNotFound

from memory.documents import DocKind, MemoryDocument
from memory.embeddings import model_id
from okr.errors import OKRError, ValidationError

__all__ = ["EmbeddingModelMismatch", "Memory", "MemoryHit"]

_BATCH = 512
#: Keys the memory owns; documents can't set them.
_RESERVED = frozenset({"org", "kind", "key", "source_ids"})


class EmbeddingModelMismatch(OKRError):
    """The collection was built with another embedding model than the one configured."""


@dataclass(frozen=True)
class MemoryHit:
    """One search result, with what an agent needs to cite it.

    `similarity` is the cosine similarity to the query (1 is identical);
    `okr_score` the final score of the objective or key result, when known.
    """

    key: str
    kind: DocKind
    text: str
    similarity: float
    okr_score: float | None
    team: str | None
    cycle: str | None
    date: str | None
    source_ids: tuple[str, ...]
    metadata: Mapping[str, str | int | float | bool]


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


class Memory:
    """Vector memory scoped to one organisation. Build it with `for_org`."""

    def __init__(self, org_id: str, collection: Collection,
                 embedder: EmbeddingFunction[Documents]) -> None:
        if not org_id:
            raise ValidationError("the memory needs an organisation id")
        self._org = org_id
        self._collection = collection
        self._embedder = embedder

    @classmethod
    def for_org(cls, org_id: str, *, client: ClientAPI,
                embedder: EmbeddingFunction[Documents],
                collection: str = "quarterdeck-memory") -> Memory:
        """The memory of `org_id` in `collection`, creating the collection on first use.

        Raises `EmbeddingModelMismatch` when the collection holds vectors of another model.
        """
        wanted = model_id(embedder)
        try:
            existing = client.get_collection(collection)
        except (ChromaNotFound, ValueError):
            existing = None
        if existing is not None:
            built_with = (existing.metadata or {}).get("embedding_model")
            if built_with != wanted:
                raise EmbeddingModelMismatch(
                    f"memory collection {collection!r} was built with {built_with!r}, but the "
                    f"configured embedding model is {wanted!r}; vectors of different models "
                    "can't be mixed. Configure the original model, or use another collection "
                    "(OKR_MEMORY_COLLECTION) and run `okr memory rebuild`.")
        handle = client.get_or_create_collection(
            collection,
            metadata={"embedding_model": wanted, "created_by": "quarterdeck"},
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=cast(Any, embedder),
        )
        return cls(org_id, handle, embedder)

    @property
    def org_id(self) -> str:
        return self._org

    @property
    def model(self) -> str:
        """The embedding model this memory's vectors come from."""
        return model_id(self._embedder)

    # -- scoping ----------------------------------------------------------------

    def _id(self, key: str) -> str:
        return f"{self._org}/{key}"

    def _where(self, *clauses: Mapping[str, Any] | None) -> dict[str, Any]:
        parts: list[Mapping[str, Any]] = [{"org": self._org}]
        parts.extend(c for c in clauses if c)
        return dict(parts[0]) if len(parts) == 1 else {"$and": list(parts)}

    # -- writing ----------------------------------------------------------------

    def _record(self, doc: MemoryDocument) -> dict[str, str | int | float | bool]:
        clash = _RESERVED & set(doc.metadata)
        if clash:
            raise ValidationError(f"document metadata may not set {sorted(clash)}")
        return {**doc.metadata, "org": self._org, "kind": doc.kind.value, "key": doc.key,
                "source_ids": ",".join(doc.source_ids)}

    def add(self, documents: Iterable[MemoryDocument]) -> int:
        """Write documents (insert or overwrite by key); returns how many changed.

        Documents whose text and metadata are already stored as given are
        skipped without re-embedding, so re-running an ingestion is cheap and
        adds no duplicates.
        """
        docs = list({d.key: d for d in documents}.values())
        written = 0
        for start in range(0, len(docs), _BATCH):
            chunk = docs[start:start + _BATCH]
            ids = [self._id(d.key) for d in chunk]
            records = [self._record(d) for d in chunk]
            stored = self._collection.get(ids=ids, where=self._where(),
                                          include=["documents", "metadatas"])
            known = {i: (text, dict(meta or {})) for i, text, meta in
                     zip(stored["ids"], stored["documents"] or [], stored["metadatas"] or [],
                         strict=True)}
            todo = [(i, d, r) for i, d, r in zip(ids, chunk, records, strict=True)
                    if known.get(i) != (d.text, r)]
            if not todo:
                continue
            vectors = self._embedder([d.text for _, d, _ in todo])
            self._collection.upsert(
                ids=[i for i, _, _ in todo],
                embeddings=cast(Any, vectors),
                documents=[d.text for _, d, _ in todo],
                metadatas=cast(Any, [r for _, _, r in todo]),
            )
            written += len(todo)
        return written

    def forget(self, keys: Sequence[str] | None = None) -> None:
        """Delete these documents of the organisation, or all of them when `keys` is None."""
        if keys is None:
            self._collection.delete(where=self._where())
        elif keys:
            self._collection.delete(ids=[self._id(k) for k in keys], where=self._where())

    def forget_source(self, source_id: str) -> None:
        """Delete the documents made from one source alone (e.g. every piece of a strategy
        document before it is added again)."""
        self._collection.delete(where=self._where({"source_ids": source_id}))

    # -- reading ----------------------------------------------------------------

    def count(self, kind: DocKind | None = None) -> int:
        """How many documents the organisation has (of one kind, when given)."""
        where = self._where({"kind": kind.value} if kind else None)
        return len(self._collection.get(where=where, include=[])["ids"])

    def search(self, text: str, *, kinds: Sequence[DocKind] | None = None,
               team: str | None = None, cycles: Sequence[str] | None = None,
               min_score: float | None = None, final_only: bool = False,
               k: int = 5) -> list[MemoryHit]:
        """The `k` documents nearest to `text`, filtered by kind, team (id or name),
        cycles (ids or names) and minimum final score; best first."""
        if not text.strip():
            raise ValidationError("the search text is empty")
        if k < 1:
            raise ValidationError("k must be at least 1")
        clauses: list[Mapping[str, Any] | None] = []
        if kinds:
            clauses.append({"kind": {"$in": [kind.value for kind in kinds]}})
        if team:
            clauses.append({"$or": [{"team": team}, {"team_name": team}]})
        if cycles:
            names = list(cycles)
            clauses.append({"$or": [{"cycle": {"$in": names}}, {"cycle_name": {"$in": names}}]})
        if min_score is not None:
            clauses.append({"score": {"$gte": float(min_score)}})
        if final_only:
            clauses.append({"$or": [{"final": True}, {"kind": {"$ne": DocKind.CHECK_IN.value}}]})
        vector = self._embedder.embed_query([text])[0]
        result = self._collection.query(
            query_embeddings=cast(Any, [vector]), n_results=k, where=self._where(*clauses),
            include=["documents", "metadatas", "distances"])
        docs = (result["documents"] or [[]])[0]
        metas = (result["metadatas"] or [[]])[0]
        dists = (result["distances"] or [[]])[0]
        return [self._hit(d, m, 1.0 - float(dist))
                for d, m, dist in zip(docs, metas, dists, strict=True)
                if m is not None and m.get("org") == self._org]

    def _hit(self, text: str | None, meta: Mapping[str, Any], similarity: float) -> MemoryHit:
        score = meta.get("score")
        sources = str(meta.get("source_ids", ""))
        return MemoryHit(
            key=str(meta.get("key", "")),
            kind=DocKind(str(meta.get("kind"))),
            text=text or "",
            similarity=similarity,
            okr_score=float(score) if isinstance(score, int | float) else None,
            team=_str(meta.get("team_name")) or _str(meta.get("team")),
            cycle=_str(meta.get("cycle_name")) or _str(meta.get("cycle")),
            date=_str(meta.get("date")),
            source_ids=tuple(s for s in sources.split(",") if s),
            metadata={k: v for k, v in meta.items() if k != "org"},
        )

    def similar_okrs(self, text: str, team: str | None = None,
                     cycles: Sequence[str] | None = None, min_score: float | None = None,
                     k: int = 5) -> list[MemoryHit]:
        """Past objectives (with their KRs, final scores and outcomes) most like `text`."""
        return self.search(text, kinds=[DocKind.OBJECTIVE], team=team, cycles=cycles,
                           min_score=min_score, k=k)

    def lessons_for(self, team: str, topic: str, k: int = 5) -> list[MemoryHit]:
        """What `team` learnt about `topic`: closed objectives, closing notes,
        retrospectives and reviews."""
        return self.search(topic, kinds=[DocKind.OBJECTIVE, DocKind.CHECK_IN,
                                         DocKind.RETROSPECTIVE, DocKind.REVIEW],
                           team=team, final_only=True, k=k)

    def notes_about(self, kr_id: str, limit: int = 50) -> list[MemoryHit]:
        """The check-in notes remembered for one key result, oldest first."""
        got = self._collection.get(
            where=self._where({"kind": DocKind.CHECK_IN.value}, {"kr_id": kr_id}),
            include=["documents", "metadatas"])
        hits = [self._hit(text, meta, 1.0)
                for text, meta in zip(got["documents"] or [], got["metadatas"] or [],
                                      strict=True)
                if meta is not None and meta.get("org") == self._org]
        hits.sort(key=lambda h: (h.date or "", h.key))
        return hits[:limit]
