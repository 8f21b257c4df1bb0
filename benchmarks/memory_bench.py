"""Index N synthetic past-quarter documents and print embedding throughput, index time and
query latency (p50/p95) of the memory at that size.

    python benchmarks/memory_bench.py --n 100000      # the issue's size (long on 2 cores)
    python benchmarks/memory_bench.py --n 5000        # a quick run

Documents look like the memory's own (objectives with KR outcomes, check-in
notes), spread over 10 organisations, 12 teams and 8 quarters, embedded with
the offline model and written through `Memory.add` into an embedded Chroma
under a temporary folder. Queries go through `similar_okrs` (organisation and
team filters, query embedding included) and are also timed with the query
vector precomputed, to separate model time from index time.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from typing import Any, cast

import chromadb
from chromadb.api.types import Documents, Embeddings
from chromadb.config import Settings as ChromaSettings

from memory import DocKind, Memory, MemoryDocument, MiniLMEmbeddingFunction

TEAMS = ("Sales", "Marketing", "Partnerships", "Customer Success", "Support", "Engineering",
         "Platform", "Product", "Design", "People", "Finance", "Security")
TOPICS = ("logo churn", "net revenue retention", "new ARR", "pipeline coverage", "uptime",
          "sev-1 incidents", "time to first dashboard", "support CSAT", "win rate",
          "regretted attrition", "month-end close", "SOC 2 evidence", "weekly active teams",
          "cost per lead", "onboarding completion", "gross margin", "P1 bugs", "employee NPS")
VERBS = ("Reduce", "Grow", "Raise", "Cut", "Improve", "Lift", "Lower", "Double")
NOTES = ("Blocked by the data-warehouse migration.", "Ahead of plan after a strong week.",
         "Missed: waiting on legal review for six weeks.", "Hit the target early.",
         "Slower than planned; half the team was out.", "Went backwards after the outage.",
         "Carrying it over; the last push came too late.", "Two quick wins landed.")
QUERIES = ("reduce churn", "faster onboarding for new customers", "fewer outages",
           "grow pipeline", "keep our best people", "pass the security audit",
           "close the books faster", "raise customer satisfaction")


class TimedEmbedder(MiniLMEmbeddingFunction):
    """The offline model, adding up the seconds and texts it embeds."""

    seconds = 0.0
    texts = 0

    def __call__(self, input: Documents) -> Embeddings:
        start = time.perf_counter()
        out = super().__call__(input)
        TimedEmbedder.seconds += time.perf_counter() - start
        TimedEmbedder.texts += len(input)
        return out


def document(rng: random.Random, n: int) -> tuple[str, MemoryDocument]:
    org = f"org-{n % 10}"
    team = rng.choice(TEAMS)
    quarter = f"{rng.choice((2025, 2026))}-Q{rng.randint(1, 4)}"
    topic = rng.choice(TOPICS)
    score = round(rng.random(), 2)
    a, b = rng.randint(2, 90), rng.randint(2, 90)
    if rng.random() < 0.3:
        text = (f"Objective ({team}, {quarter}): {rng.choice(VERBS)} {topic}. Final score "
                f"{score:.2f}.\n- {topic.capitalize()} from {a} to {b}: scored {score:.2f}. "
                f"{rng.choice(NOTES)}\n- {rng.choice(TOPICS).capitalize()} from {b} to {a}.")
        kind = DocKind.OBJECTIVE
    else:
        text = (f"Check-in on \"{topic.capitalize()} from {a} to {b}\" ({quarter}, week "
                f"{rng.randint(1, 13)}): {rng.choice(NOTES)}")
        kind = DocKind.CHECK_IN
    meta: dict[str, str | int | float | bool] = {"team_name": team, "cycle_name": quarter,
                                                 "score": score}
    return org, MemoryDocument(key=f"{kind.value}:{n}", kind=kind, text=text, metadata=meta)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--n", type=int, default=100_000, help="documents to index")
    parser.add_argument("--batch", type=int, default=1_000, help="documents per write")
    parser.add_argument("--queries", type=int, default=200, help="queries to time")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    folder = tempfile.mkdtemp(prefix="memory-bench-")
    client = chromadb.PersistentClient(path=folder,
                                       settings=ChromaSettings(anonymized_telemetry=False))
    embedder = TimedEmbedder()
    memories: dict[str, Memory] = {}
    pending: dict[str, list[MemoryDocument]] = {}
    total_start = time.perf_counter()
    written = 0
    for n in range(args.n):
        org, doc = document(rng, n)
        pending.setdefault(org, []).append(doc)
        if len(pending[org]) >= args.batch // 10 or n == args.n - 1:
            for name, docs in pending.items():
                if docs:
                    memory = memories.setdefault(name, Memory.for_org(
                        name, client=client, embedder=embedder, collection="bench"))
                    written += memory.add(docs)
                    docs.clear()
        if (n + 1) % 5_000 == 0:
            print(f"  {n + 1:>7} documents, {time.perf_counter() - total_start:7.1f}s",
                  flush=True)
    total = time.perf_counter() - total_start
    embed_s = TimedEmbedder.seconds
    print(f"documents indexed: {written} (in {len(memories)} organisations)")
    print(f"embedding: {TimedEmbedder.texts} texts in {embed_s:.1f}s = "
          f"{TimedEmbedder.texts / embed_s:.1f} texts/s (offline MiniLM, numpy)")
    print(f"index time: {total:.1f}s in all; {total - embed_s:.1f}s outside the model "
          "(Chroma writes and the unchanged-document check)")

    memory = memories["org-0"]
    by_text: list[float] = []
    by_vector: list[float] = []
    collection = client.get_collection("bench")
    for i in range(args.queries):
        query = QUERIES[i % len(QUERIES)]
        team = TEAMS[i % len(TEAMS)]
        start = time.perf_counter()
        memory.similar_okrs(query, team=team, k=5)
        by_text.append((time.perf_counter() - start) * 1000)
        vector = embedder([query])[0]
        start = time.perf_counter()
        collection.query(query_embeddings=cast(Any, [vector]), n_results=5,
                         where={"$and": [{"org": "org-0"}, {"team_name": team},
                                         {"kind": "objective"}]})
        by_vector.append((time.perf_counter() - start) * 1000)
    print(f"query by text (embedding + filtered search), {args.queries} queries: "
          f"p50 {percentile(by_text, 0.5):.1f} ms, p95 {percentile(by_text, 0.95):.1f} ms, "
          f"mean {statistics.mean(by_text):.1f} ms")
    print(f"query by vector (filtered search only): p50 {percentile(by_vector, 0.5):.1f} ms, "
          f"p95 {percentile(by_vector, 0.95):.1f} ms")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
