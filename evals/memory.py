"""Recall@5 of the memory's `similar_okrs` on a labelled set over the demo organisation.

`python -m evals.memory [FILE]` (default: evals/data/memory-retrieval.jsonl)
puts the demo organisation's closed objectives into a throwaway memory with
the offline embedding model, asks each labelled query (with its team filter,
if any) for five past OKRs and prints recall@5: the share of the expected
objectives (by title; each recurs once per quarter) that appear in the top
five, per query and overall, plus the mean reciprocal rank of the first
expected one. `score_file()` returns the same figures for tests.
"""

from __future__ import annotations

import json
import sys
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import chromadb
from chromadb.config import Settings as ChromaSettings
from rich.console import Console
from rich.table import Table

from memory import Memory, MiniLMEmbeddingFunction, ingest_closed_cycles
from okr.demo import build_demo_org

DEFAULT_FILE = Path(__file__).parent / "data" / "memory-retrieval.jsonl"
#: The demo is built as of this day so the closed quarters never change.
DEMO_DAY = date(2026, 11, 15)
K = 5


@dataclass(frozen=True)
class QueryResult:
    id: str
    query: str
    expected: tuple[str, ...]
    found: tuple[str, ...]
    recall: float
    reciprocal_rank: float


@dataclass(frozen=True)
class MemoryReport:
    results: list[QueryResult]

    @property
    def recall_at_5(self) -> float:
        return sum(r.recall for r in self.results) / len(self.results)

    @property
    def mrr(self) -> float:
        return sum(r.reciprocal_rank for r in self.results) / len(self.results)


def demo_memory(org_id: str = "eval") -> Memory:
    """A fresh in-process memory holding the demo organisation's closed objectives."""
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    memory = Memory.for_org(org_id, client=client, embedder=MiniLMEmbeddingFunction(),
                            collection=f"eval-{uuid.uuid4().hex[:12]}")
    ingest_closed_cycles(memory, build_demo_org(org_id, today=DEMO_DAY), notes=False)
    return memory


def score_file(path: Path = DEFAULT_FILE, memory: Memory | None = None) -> MemoryReport:
    """Run every labelled query against the demo memory and score the answers."""
    memory = memory or demo_memory()
    results = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        expected = tuple(case["expected"])
        hits = memory.similar_okrs(case["query"], team=case.get("team"), k=K)
        titles = tuple(str(h.metadata.get("title", "")) for h in hits)
        recall = len(set(expected) & set(titles)) / len(set(expected))
        rank = next((i for i, t in enumerate(titles, start=1) if t in expected), None)
        results.append(QueryResult(case["id"], case["query"], expected, titles, recall,
                                   1.0 / rank if rank else 0.0))
    return MemoryReport(results)


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else DEFAULT_FILE
    report = score_file(path)
    console = Console()
    table = Table(title=f"memory retrieval ({path.name})")
    for column in ("id", "query", "recall@5", "first hit rank"):
        table.add_column(column)
    for r in report.results:
        rank = f"{1 / r.reciprocal_rank:.0f}" if r.reciprocal_rank else "-"
        table.add_row(r.id, r.query, f"{r.recall:.2f}", rank)
    console.print(table)
    console.print(f"queries: {len(report.results)}  recall@5: {report.recall_at_5:.3f}  "
                  f"MRR: {report.mrr:.3f}  (offline all-MiniLM-L6-v2, vector search)")


if __name__ == "__main__":
    main(sys.argv[1:])
