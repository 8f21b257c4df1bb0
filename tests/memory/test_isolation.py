"""Tenants never meet: one organisation's memory never returns another's documents."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from memory import DocKind, Memory, MiniLMEmbeddingFunction, ingest_closed_cycles
from memory import strategy_documents as docs
from okr.errors import ValidationError
from okr.models import OrgSnapshot

Snap = Callable[[str], OrgSnapshot]
SECRET = "Project Nightingale: acquire our largest competitor before the end of the year"


@pytest.fixture(scope="module")
def two_orgs(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbeddingFunction,
             snapshot_of: Snap) -> tuple[Memory, Memory]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(tmp_path_factory.mktemp("iso")),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    acme = Memory.for_org("acme", client=client, embedder=embedder)
    globex = Memory.for_org("globex", client=client, embedder=embedder)
    ingest_closed_cycles(acme, snapshot_of("acme"))
    ingest_closed_cycles(globex, snapshot_of("globex"))
    globex.add(docs("plan.md", "Secret plan", SECRET))
    return acme, globex


@pytest.mark.parametrize("query", [
    SECRET,
    "Secret plan",
    "reduce churn",
    "Objective (Customer Success, 2026-Q2): Get every new customer to value in 30 days.",
    "globex",
])
def test_an_organisation_never_sees_another_ones_documents(
        two_orgs: tuple[Memory, Memory], query: str) -> None:
    acme, _globex = two_orgs
    hits = acme.search(query, k=300)
    hits += acme.similar_okrs(query, k=50) + acme.lessons_for("Product", query, k=50)
    assert hits
    assert all(h.key != "strategy:plan.md#1" for h in hits)
    assert all(SECRET not in h.text for h in hits)


def test_every_hit_comes_from_the_organisations_own_records(
        two_orgs: tuple[Memory, Memory]) -> None:
    acme, globex = two_orgs
    acme_keys = {h.key for h in acme.search("customers", k=300)}
    globex_keys = {h.key for h in globex.search("customers", k=300)}
    assert "strategy:plan.md#1" in globex_keys
    assert "strategy:plan.md#1" not in acme_keys
    assert len(acme_keys) == acme.count()


def test_notes_about_a_key_result_id_both_share_return_only_ones_own(
        two_orgs: tuple[Memory, Memory], snapshot_of: Snap) -> None:
    acme, _globex = two_orgs
    kr = next(kr for o in snapshot_of("acme").objectives if o.cycle_id == "c-2026q2"
              for kr in o.key_results if any(c.note for c in kr.check_ins))
    expected = sorted(c.note for c in kr.check_ins if c.note)
    notes = acme.notes_about(kr.id)
    assert sorted(h.text.split("): ", 1)[1] for h in notes) == expected
    assert all(h.metadata["kr_id"] == kr.id for h in notes)


def test_forgetting_one_organisation_leaves_the_other_untouched(
        make_memory: Callable[[str], Memory]) -> None:
    acme, globex = make_memory("acme"), make_memory("globex")
    acme.add(docs("a.md", "A", "acme plan"))
    globex.add(docs("a.md", "A", "globex plan"))
    acme.forget()
    assert acme.count() == 0
    assert [h.text for h in globex.search("plan")] == ["A\nglobex plan"]


def test_the_same_key_in_two_organisations_is_two_documents(
        make_memory: Callable[[str], Memory]) -> None:
    acme, globex = make_memory("acme"), make_memory("globex")
    acme.add(docs("a.md", "A", "acme plan"))
    globex.add(docs("a.md", "A", "globex plan"))
    assert [h.text for h in acme.search("plan", k=10)] == ["A\nacme plan"]


def test_documents_cannot_claim_another_organisation(
        make_memory: Callable[[str], Memory]) -> None:
    acme = make_memory("acme")
    [doc] = docs("x", "X", "text")
    forged = type(doc)(key=doc.key, kind=DocKind.STRATEGY, text="forged",
                       metadata={"org": "globex"})
    with pytest.raises(ValidationError):
        acme.add([forged])


def test_a_snapshot_of_another_organisation_is_refused(
        make_memory: Callable[[str], Memory], snapshot_of: Snap) -> None:
    with pytest.raises(ValidationError):
        ingest_closed_cycles(make_memory("acme"), snapshot_of("globex"))
