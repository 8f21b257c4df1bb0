"""Fixtures for the drafter: the demo organisation in a real SQLite store, run contexts.

`store` holds Northwind Analytics as of `TODAY` (2026-Q4 in progress, three
closed quarters), so ids and values are fixed. `offline_ctx` runs without a
model; `llm_ctx` points at the scripted server (tests/conftest.py) with tiny
waits. `graph` is the drafter compiled with an in-memory checkpointer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from scripted_server import ScriptedServer, scripted_settings

from agents.drafter import build
from agents.llm import LLMClient
from agents.metering import InMemoryOrgLedger
from agents.registry import CompiledGraph
from agents.runtime import AgentContext
from okr.demo import build_demo_org
from okr.settings import Settings
from okr.store import Store

ORG = "demo"
TODAY = date(2026, 11, 16)
CS_REQUEST = ("draft next quarter's OKRs for Customer Success that support the company "
              "retention objective")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    s.save_snapshot(build_demo_org(ORG, today=TODAY), replace=True)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def offline_ctx(store: Store, tmp_path: Path) -> AgentContext:
    return AgentContext.create(Settings(data_dir=tmp_path, org=ORG), llm=None, store=store,
                               agent="drafter")


@pytest.fixture
def llm_settings(server: ScriptedServer, tmp_path: Path) -> Settings:
    return scripted_settings(server, tmp_path, ORG, llm_total_budget_s=10.0)


@pytest.fixture
def llm_ctx(llm_settings: Settings, store: Store) -> AgentContext:
    client = LLMClient.from_settings(llm_settings, sleep=lambda _s: None)
    return AgentContext.create(llm_settings, llm=client, store=store,
                               ledger=InMemoryOrgLedger(), agent="drafter")


@pytest.fixture
def graph() -> CompiledGraph:
    return build(InMemorySaver())


@pytest.fixture
def start() -> Callable[..., dict[str, object]]:
    """`start(request, **extra)`: the graph input for a request, pinned to `TODAY`."""

    def make(request: str, **extra: object) -> dict[str, object]:
        return {"request": request, "today": TODAY.isoformat(), **extra}

    return make


@pytest.fixture
def cs_request() -> str:
    return CS_REQUEST
