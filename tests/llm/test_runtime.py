"""The offline engine contract: model when possible, deterministic otherwise, always flagged."""

from __future__ import annotations

import logging
import socket

import pytest
from pydantic import BaseModel
from scripted_server import Reply

from agents.llm import LLMClient
from agents.metering import BudgetExceeded, InMemoryOrgLedger
from agents.runtime import AgentContext


class Title(BaseModel):
    title: str


def title_step(ctx: AgentContext, step: str = "title"):
    return ctx.language(
        step,
        llm=lambda model: model.structured(Title, system="s", user="u").title,
        offline=lambda: "offline title",
    )


def closed_port_settings(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return settings.model_copy(update={"llm_base_url": f"http://127.0.0.1:{port}/v1"})


def test_configured_model_is_used_and_flagged_llm(server, settings):
    server.script(Reply({"title": "from the model"}))
    ctx = AgentContext.create(settings, agent="demo", ledger=InMemoryOrgLedger())
    assert title_step(ctx) == ("from the model", "llm")
    assert ctx.engine == "llm"
    assert ctx.meter.calls[0].step == "demo.title"


def test_no_model_configured_runs_offline_and_says_so(settings, caplog):
    caplog.set_level(logging.INFO, logger="agents.runtime")
    ctx = AgentContext.create(settings, llm=None)
    assert title_step(ctx) == ("offline title", "offline")
    assert title_step(ctx, "other") == ("offline title", "offline")
    assert ctx.engine == "offline"
    assert [r.levelname for r in caplog.records] == ["INFO"]
    assert "no model configured" in caplog.text


def test_unreachable_model_falls_back_with_one_warning_per_run(settings, caplog):
    caplog.set_level(logging.WARNING, logger="agents.runtime")
    client = LLMClient.from_settings(closed_port_settings(settings), sleep=lambda _s: None)
    ctx = AgentContext.create(settings, llm=client, ledger=InMemoryOrgLedger())
    assert title_step(ctx, "one") == ("offline title", "offline")
    assert title_step(ctx, "two") == ("offline title", "offline")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "falling back to the offline engine" in warnings[0].getMessage()
    assert [f.step for f in ctx.fallbacks] == ["one"]
    assert ctx.engines == {"one": "offline", "two": "offline"}


def test_after_the_model_is_found_unreachable_later_steps_do_not_retry(settings):
    sleeps: list[float] = []
    client = LLMClient.from_settings(closed_port_settings(settings), sleep=sleeps.append)
    ctx = AgentContext.create(settings, llm=client, ledger=InMemoryOrgLedger())
    title_step(ctx, "one")
    attempts = len(sleeps)
    title_step(ctx, "two")
    assert len(sleeps) == attempts


def test_invalid_answer_falls_back_for_that_step_only(server, client, settings):
    server.script(Reply({"x": 1}), Reply({"y": 2}), Reply({"title": "second works"}))
    ctx = AgentContext.create(settings, llm=client, ledger=InMemoryOrgLedger())
    assert title_step(ctx, "one") == ("offline title", "offline")
    assert title_step(ctx, "two") == ("second works", "llm")
    assert ctx.engine == "offline"
    assert "not a valid Title" in ctx.fallbacks[0].reason


def test_spent_budget_stops_the_run_instead_of_falling_back(server, client, settings):
    tight = settings.model_copy(update={"llm_run_token_budget": 100})
    server.script(Reply({"title": "t"}, prompt_tokens=90, completion_tokens=50))
    ctx = AgentContext.create(tight, llm=client, ledger=InMemoryOrgLedger())
    with pytest.raises(BudgetExceeded):
        title_step(ctx)
    assert ctx.fallbacks == []


def test_context_scopes_metering_to_its_organisation(settings):
    ctx = AgentContext.create(settings, org_id="globex", llm=None)
    assert ctx.org_id == ctx.meter.org_id == "globex"
    assert AgentContext.create(settings, llm=None).org_id == "acme"
