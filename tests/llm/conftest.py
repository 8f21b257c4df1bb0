"""Fixtures for the LLM runtime tests: settings pointing at the scripted server, a meter.

The scripted server and the loopback fence come from tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scripted_server import SECRET_KEY, ScriptedServer

from agents.llm import LLMClient
from agents.metering import InMemoryOrgLedger, RunMeter
from okr.settings import Settings


@pytest.fixture
def settings(server: ScriptedServer, tmp_path: Path) -> Settings:
    """Settings for a model on the scripted server, with tiny waits and budgets."""
    return Settings(
        data_dir=tmp_path,
        org="acme",
        llm_base_url=server.base_url,
        llm_api_key=SECRET_KEY,
        llm_model="scripted-model",
        llm_timeout_s=2.0,
        llm_max_retries=3,
        llm_total_budget_s=20.0,
        llm_backoff_initial_s=0.001,
        llm_backoff_max_s=0.01,
        llm_repair_rounds=1,
        llm_run_token_budget=10_000,
        llm_org_token_budget=100_000,
    )


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
