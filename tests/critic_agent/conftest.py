"""Fixtures for the critic agent and the publish gate.

`llm_ctx` is a run context whose model is the scripted server (tests/conftest.py),
with tiny waits; `offline_ctx` has no model. `store` is a real store (SQLite
unless a module overrides `store_url`) holding `acme`, with a Growth
(marketing) team in 2026-Q1: `o-good` passes the critic, `o-bad` has
blocking findings (a task objective, an output key result and a key result
without a baseline).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from scripted_server import ScriptedServer, scripted_settings

from agents.llm import LLMClient
from agents.metering import InMemoryOrgLedger
from agents.runtime import AgentContext
from okr.models import (
    Cycle,
    Direction,
    KeyResult,
    Objective,
    Organisation,
    OrgSnapshot,
    Team,
)
from okr.quality import OKRInput
from okr.settings import Settings
from okr.store import Store

ORG = "acme"


@pytest.fixture
def llm_settings(server: ScriptedServer, tmp_path: Path) -> Settings:
    return scripted_settings(server, tmp_path, ORG, llm_total_budget_s=10.0,
                             llm_run_token_budget=20_000)


@pytest.fixture
def llm_ctx(llm_settings: Settings) -> AgentContext:
    client = LLMClient.from_settings(llm_settings, sleep=lambda _s: None)
    return AgentContext.create(llm_settings, llm=client, ledger=InMemoryOrgLedger(),
                               agent="critic")


@pytest.fixture
def offline_ctx(tmp_path: Path) -> AgentContext:
    return AgentContext.create(Settings(data_dir=tmp_path, org=ORG), llm=None, agent="critic")


@pytest.fixture
def weak_okr() -> OKRInput:
    """A task objective, a key result without a baseline, an output key result."""
    return OKRInput.model_validate({
        "id": "ok-weak", "team": {"name": "Growth", "function": "marketing"},
        "cycle": "2026-Q1", "objective": "Launch the new website",
        "key_results": [{"text": "Grow MQLs to 500/month"}, {"text": "Publish 12 blog posts"}]})


def _objective(oid: str, title: str, krs: tuple[tuple[str, float | None, float | None], ...],
               team_id: str = "t-growth") -> Objective:
    return Objective(oid, ORG, "c-q1", title, team_id=team_id, key_results=tuple(
        KeyResult(f"{oid}-kr{i}", ORG, oid, text, baseline=base, target=target,
                  direction=Direction.INCREASE if (base or 0) <= (target or 0)
                  else Direction.DECREASE)
        for i, (text, base, target) in enumerate(krs)))


GOOD_KRS = (("MQLs from 300 to 500 per month", 300.0, 500.0),
            ("Cost per MQL from $120 to $85", 120.0, 85.0))


def snapshot(extra: tuple[Objective, ...] = ()) -> OrgSnapshot:
    return OrgSnapshot(
        organisation=Organisation(ORG, "Acme"),
        teams=(Team("t-growth", ORG, "Growth", function="marketing"),),
        cycles=(Cycle("c-q1", ORG, "2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),),
        objectives=(
            _objective("o-good", "Build a demand engine that consistently fills the top of "
                       "funnel", GOOD_KRS),
            _objective("o-bad", "Launch the new website",
                       (("Publish 12 blog posts", None, 12.0),
                        ("Grow MQLs to 500/month", None, 500.0))),
            *extra,
        ))


def good_objective(oid: str, title: str) -> Objective:
    return _objective(oid, title, GOOD_KRS)


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """The database `store` opens: a SQLite file (a module may override this fixture to run
    on every backend, see tests/support/stores.py)."""
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
    s.save_snapshot(snapshot(), actor="test")
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def make_snapshot() -> Callable[..., OrgSnapshot]:
    """`snapshot(extra_objectives)`: the fixture organisation plus more objectives."""
    return snapshot


@pytest.fixture
def make_good_objective() -> Callable[[str, str], Objective]:
    """A Growth objective with two well-formed key results, under any id and title."""
    return good_objective
