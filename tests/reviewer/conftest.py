"""Fixtures for the reviewer tests: the demo organisation at a fixed date, offline and
model-backed contexts (the model is the scripted server from tests/conftest.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scripted_server import ScriptedServer, scripted_settings

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
    return scripted_settings(server, tmp_path, "demo", llm_run_token_budget=200_000,
                             llm_org_token_budget=1_000_000)
