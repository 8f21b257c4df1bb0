"""Closing a cycle writes it to the real memory (embedded Chroma, offline MiniLM).

The organisation is the memory fixtures' demo slice cut to its open
quarter, 2026-Q4 (five published objectives and their notes), so only a few
texts are embedded.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from chromadb.api import ClientAPI
from typer.testing import CliRunner, Result

from api.cli import app
from api.commands.cycle import MemoryNotUpdated, close_cycle_and_remember
from api.commands.memory import sync_memory
from memory import DocKind, Memory, OpenAICompatibleEmbeddingFunction
from okr.errors import TransitionError
from okr.models import ObjectiveState, OrgSnapshot
from okr.settings import Settings
from okr.store import Store

ORG = "demo"
Q4 = "c-2026q4"
CHURN = "Close the product gaps that drive churn"


def open_quarter(snapshot: OrgSnapshot) -> OrgSnapshot:
    """The slice with only the objectives of the quarter still open."""
    return dataclasses.replace(snapshot, objectives=tuple(
        o for o in snapshot.objectives if o.cycle_id == Q4))


def notes_in(snapshot: OrgSnapshot) -> int:
    """How many non-empty check-in notes the snapshot's objectives carry."""
    return sum(1 for o in snapshot.objectives for kr in o.key_results
               for c in kr.check_ins if c.note.strip())


@pytest.fixture
def quarter(snapshot_of: Callable[[str], OrgSnapshot]) -> OrgSnapshot:
    return open_quarter(snapshot_of(ORG))


@pytest.fixture
def store(tmp_path: Path, quarter: OrgSnapshot) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    s.save_snapshot(quarter)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def memory(make_memory: Callable[[str], Memory]) -> Memory:
    return make_memory(ORG)


def _id_of(store: Store, title: str) -> str:
    return next(o.id for o in store.list_objectives(ORG, Q4) if o.title == title)


def test_an_open_cycle_is_not_remembered(store: Store, memory: Memory) -> None:
    assert sync_memory(store, memory).objectives == 0
    assert memory.count() == 0


def test_closing_makes_the_cycles_objectives_searchable(store: Store, memory: Memory) -> None:
    close_cycle_and_remember(store, memory, ORG, "2026-Q4", "ana")
    hits = memory.similar_okrs("product gaps that make customers churn", k=1)
    assert [h.key for h in hits] == [f"objective:{_id_of(store, CHURN)}"]
    assert hits[0].cycle == "2026-Q4" and hits[0].team == "Product"
    assert hits[0].okr_score is not None


def test_closing_remembers_every_objective_and_note_of_the_cycle(
        store: Store, memory: Memory, quarter: OrgSnapshot) -> None:
    notes = notes_in(quarter)
    assert notes > 0
    done = close_cycle_and_remember(store, memory, ORG, "2026-Q4", "ana")
    assert (done.objectives_closed, done.objectives_retired) == (5, 0)
    assert done.memory is not None
    assert (done.memory.objectives, done.memory.notes) == (5, notes)
    assert memory.count(DocKind.OBJECTIVE) == 5 and memory.count(DocKind.CHECK_IN) == notes
    assert {o.state for o in store.list_objectives(ORG, Q4)} == {ObjectiveState.CLOSED}


def test_closing_again_is_refused_and_leaves_memory_as_it_was(
        store: Store, memory: Memory, quarter: OrgSnapshot) -> None:
    close_cycle_and_remember(store, memory, ORG, "2026-Q4", "ana")
    with pytest.raises(TransitionError):
        close_cycle_and_remember(store, memory, ORG, "2026-Q4", "ana")
    assert memory.count() == 5 + notes_in(quarter)


def test_rebuilding_after_a_close_adds_no_duplicates(store: Store, memory: Memory,
                                                     quarter: OrgSnapshot) -> None:
    close_cycle_and_remember(store, memory, ORG, "2026-Q4", "ana")
    assert sync_memory(store, memory).written == 0
    assert memory.count() == 5 + notes_in(quarter)


def test_a_memory_that_fails_leaves_the_cycle_closed_and_says_how_to_retry(
        store: Store, memory: Memory, client: ClientAPI) -> None:
    other_model = OpenAICompatibleEmbeddingFunction("another-model",
                                                    base_url="http://127.0.0.1:9/v1")

    def open_with_another_model() -> Memory:
        return Memory.for_org(ORG, client=client, embedder=other_model)

    with pytest.raises(MemoryNotUpdated, match="okr memory rebuild --org demo") as failed:
        close_cycle_and_remember(store, open_with_another_model, ORG, "2026-Q4", "ana")
    assert failed.value.closed.objectives_closed == 5
    assert store.get_cycle(ORG, Q4).closed
    assert memory.count() == 0


def test_another_organisations_memory_is_refused(store: Store,
                                                 make_memory: Callable[[str], Memory]) -> None:
    other = make_memory("globex")
    with pytest.raises(MemoryNotUpdated):
        close_cycle_and_remember(store, other, ORG, "2026-Q4", "ana")
    assert other.count() == 0


# -- the command line -----------------------------------------------------------


@pytest.fixture
def okr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        snapshot_of: Callable[[str], OrgSnapshot]) -> Callable[..., Result]:
    """`okr ARGS` on a store and an embedded memory under this test's folder."""
    for name in ("OKR_DATABASE_URL", "OKR_CHROMA_URL", "OKR_EMBEDDINGS_MODEL",
                 "OKR_EMBEDDINGS_BASE_URL", "OKR_MEMORY_COLLECTION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OKR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OKR_ORG", ORG)
    monkeypatch.setenv("COLUMNS", "200")
    with Store(Settings().store_url) as s:
        s.save_snapshot(open_quarter(snapshot_of(ORG)))

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(app, list(args), env=env)
    return run


def test_cycle_list_shows_each_cycle_with_its_state_and_objectives(okr: Callable[..., Result]
                                                                   ) -> None:
    result = okr("cycle", "list")
    assert result.exit_code == 0, result.output
    rows = {line.split()[1]: line for line in result.stdout.splitlines()
            if line.split()[1:2] and line.split()[1].startswith("2026-Q")}
    assert set(rows) == {"2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"}
    assert "closed" in rows["2026-Q1"] and "open" in rows["2026-Q4"]
    assert "5 published" in rows["2026-Q4"] and "2026-10-01" in rows["2026-Q4"]


def test_cycle_close_closes_and_the_cycle_is_then_searchable(okr: Callable[..., Result],
                                                             quarter: OrgSnapshot) -> None:
    result = okr("cycle", "close", "2026-Q4", "--actor", "ana")
    assert result.exit_code == 0, result.output
    assert "5 objectives closed" in result.stdout
    assert f"5 objectives and {notes_in(quarter)} notes" in result.stdout
    found = okr("memory", "search", "product gaps that drive churn", "--cycle", "2026-Q4",
                "--json")
    assert json.loads(found.stdout)[0]["text"].startswith("Objective (Product, 2026-Q4)")
    assert "closed" in okr("cycle", "list").stdout.split("2026-Q4")[1].splitlines()[0]


def test_cycle_close_twice_is_a_user_error(okr: Callable[..., Result]) -> None:
    okr("cycle", "close", "2026-Q4", "--no-memory")
    again = okr("cycle", "close", "2026-Q4")
    assert again.exit_code == 2
    assert "already closed" in again.output


def test_cycle_close_without_memory_leaves_the_memory_alone(okr: Callable[..., Result],
                                                            tmp_path: Path) -> None:
    result = okr("cycle", "close", "2026-Q4", "--no-memory")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "data" / "memory").exists()


def test_cycle_close_with_memory_down_closes_and_says_to_rebuild(okr: Callable[..., Result]
                                                                 ) -> None:
    down = okr("cycle", "close", "2026-Q4", env={"OKR_CHROMA_URL": "http://127.0.0.1:9"})
    assert down.exit_code == 1
    assert "closed cycle 2026-Q4" in down.stdout
    assert "okr memory rebuild --org demo" in down.output
    with Store(Settings().store_url) as s:
        assert s.get_cycle(ORG, "2026-Q4").closed
