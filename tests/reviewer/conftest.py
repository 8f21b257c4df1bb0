"""Fixtures for the reviewer tests: the demo organisation at a fixed date, offline and
model-backed contexts (the model is the scripted server from tests/conftest.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scripted_server import SECRET_KEY, ScriptedServer

from agents.runtime import AgentContext
from okr.demo import build_demo_org
from okr.models import OrgSnapshot
from okr.review_facts import ReviewFacts, build_facts
from okr.settings import Settings

TODAY = date(2026, 11, 18)


@pytest.fixture(scope="session")
def demo() -> OrgSnapshot:
    return build_demo_org("demo", today=TODAY)


@pytest.fixture(scope="session")
def qbr_facts(demo: OrgSnapshot) -> ReviewFacts:
    """Facts of the closed 2026-Q3 quarterly business review."""
    return build_facts(demo, "2026-Q3", kind="qbr", today=TODAY)


@pytest.fixture
def offline_ctx(tmp_path: Path) -> AgentContext:
    return AgentContext.create(Settings(data_dir=tmp_path), org_id="demo", agent="reviewer",
                               llm=None)


@pytest.fixture
def llm_settings(server: ScriptedServer, tmp_path: Path) -> Settings:
    """Settings for a model on the scripted server, with tiny waits and budgets."""
    return Settings(
        data_dir=tmp_path, org="demo", llm_base_url=server.base_url, llm_api_key=SECRET_KEY,
        llm_model="scripted-model", llm_timeout_s=2.0, llm_max_retries=1,
        llm_total_budget_s=20.0, llm_backoff_initial_s=0.001, llm_backoff_max_s=0.01,
        llm_repair_rounds=1, llm_run_token_budget=200_000, llm_org_token_budget=1_000_000,
    )
