"""`okr memory rebuild | search | add` over a store on a temporary folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from okr.models import OrgSnapshot
from okr.settings import Settings
from okr.store import Store


@pytest.fixture
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           snapshot_of: Callable[[str], OrgSnapshot]) -> Path:
    for name in ("OKR_DATABASE_URL", "OKR_CHROMA_URL", "OKR_EMBEDDINGS_MODEL",
                 "OKR_EMBEDDINGS_BASE_URL", "OKR_MEMORY_COLLECTION", "OKR_ORG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OKR_DATA_DIR", str(tmp_path))
    store = Store(Settings().store_url)
    store.save_snapshot(snapshot_of("demo"))
    store.close()
    return tmp_path


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_rebuild_twice_writes_everything_once(seeded: Path) -> None:
    first = _run("memory", "rebuild")
    second = _run("memory", "rebuild")
    assert "3 closed cycles" in first
    assert "0 written" in second


def test_search_prints_the_teams_past_okrs_with_scores(seeded: Path) -> None:
    _run("memory", "rebuild")
    out = json.loads(_run("memory", "search", "reduce churn", "--team", "Customer Success",
                          "--json"))
    assert len(out) == 5
    assert {hit["team"] for hit in out} == {"Customer Success"}
    assert all(isinstance(hit["score"], float) and hit["source_ids"] for hit in out)
    table = _run("memory", "search", "reduce churn", "--team", "Customer Success")
    assert "Customer Success" in table and "Final score" in table


def test_a_document_added_by_hand_is_searchable(seeded: Path) -> None:
    doc = seeded / "strategy.md"
    doc.write_text("We will win hospitals and clinics in 2027.", encoding="utf-8")
    _run("memory", "add", str(doc), "--title", "Strategy 2027")
    _run("memory", "add", str(doc), "--title", "Strategy 2027")
    out = json.loads(_run("memory", "search", "healthcare buyers", "--notes", "--team", "x",
                          "--json"))
    assert out == []
    from memory import DocKind, open_memory

    memory = open_memory("demo", Settings())
    assert memory.count(DocKind.STRATEGY) == 1


def test_search_before_rebuild_says_what_to_do(seeded: Path) -> None:
    assert "okr memory rebuild" in _run("memory", "search", "churn")
