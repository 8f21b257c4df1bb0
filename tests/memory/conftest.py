"""Fixtures: a small slice of the demo organisation and a memory on a temporary folder.

The slice (two teams plus the company's retention objective, last three
check-ins per key result) keeps the number of texts to embed small, so the
real offline model runs in every test without slowing the suite.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path

import chromadb
import pytest
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from memory import Memory, MiniLMEmbeddingFunction
from okr.demo import build_demo_org
from okr.models import OrgSnapshot

DEMO_DAY = date(2026, 11, 15)
TEAMS = {"t-customer-success", "t-product"}


def small_snapshot(org_id: str) -> OrgSnapshot:
    """The demo organisation cut down to Customer Success, Product and one company objective."""
    full = build_demo_org(org_id, today=DEMO_DAY)
    objectives = []
    for o in full.objectives:
        if o.team_id in TEAMS or o.title == "Keep and grow the customers we have":
            krs = tuple(dataclasses.replace(kr, check_ins=kr.check_ins[-3:])
                        for kr in o.key_results)
            objectives.append(dataclasses.replace(o, key_results=krs))
    return dataclasses.replace(full, objectives=tuple(objectives), alignments=(),
                               dependencies=())


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbeddingFunction:
    return MiniLMEmbeddingFunction()


def persistent_client(path: Path) -> ClientAPI:
    return chromadb.PersistentClient(path=str(path),
                                     settings=ChromaSettings(anonymized_telemetry=False))


@pytest.fixture
def client(tmp_path: Path) -> ClientAPI:
    return persistent_client(tmp_path / "chroma")


@pytest.fixture
def make_memory(client: ClientAPI, embedder: MiniLMEmbeddingFunction
                ) -> Callable[[str], Memory]:
    def make(org_id: str) -> Memory:
        return Memory.for_org(org_id, client=client, embedder=embedder)
    return make


@pytest.fixture(scope="session")
def snapshot_of() -> Callable[[str], OrgSnapshot]:
    """`small_snapshot`, for tests (conftest modules can't be imported by name)."""
    return small_snapshot
