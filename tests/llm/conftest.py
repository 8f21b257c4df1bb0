"""Fixtures for the LLM runtime tests: settings pointing at the scripted server, a meter.

The scripted server and the loopback fence come from tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scripted_server import ScriptedServer, scripted_settings

from agents.llm import LLMClient
from agents.metering import InMemoryOrgLedger, RunMeter
from okr.settings import Settings


@pytest.fixture
def settings(server: ScriptedServer, tmp_path: Path) -> Settings:
    """Settings for a model on the scripted server, with tiny waits and budgets."""
    return scripted_settings(server, tmp_path, "acme", llm_max_retries=3,
                             llm_run_token_budget=10_000)


@pytest.fixture
def sleeps() -> list[float]:
    """The waits the client asked for between retries (recorded, not slept)."""
    return []


@pytest.fixture
def client(settings: Settings, sleeps: list[float]) -> LLMClient:
    return LLMClient.from_settings(settings, sleep=sleeps.append)


@pytest.fixture
def ledger() -> InMemoryOrgLedger:
    return InMemoryOrgLedger()


@pytest.fixture
def meter(settings: Settings, ledger: InMemoryOrgLedger) -> RunMeter:
    return RunMeter(
        org_id="acme",
        run_budget=settings.llm_run_token_budget,
        org_budget=settings.llm_org_token_budget,
        ledger=ledger,
    )
