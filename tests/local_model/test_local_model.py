"""The runtime's contract against a real local model (llama.cpp serving SmolLM2-135M).

SmolLM2-135M writes nonsense, so these tests assert only structure: typed
answers validate, prose comes back, tokens are metered from the server's own
counts, an agent step reports the engine it used, and a model that goes away
mid-run makes the next step fall back to the offline engine, flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import pytest
from pydantic import BaseModel, Field

from agents.llm import LLMClient
from agents.metering import InMemoryOrgLedger, RunMeter
from agents.runtime import AgentContext, Engine
from okr.settings import Settings

pytestmark = pytest.mark.local_model

SYSTEM = "You review objectives and key results. Answer briefly."
USER = "Objective: Delight our customers. Key result: NPS from 30 to 45 by the end of Q3."


class Review(BaseModel):
    """A small typed answer whose every field a grammar can bound."""

    level: Literal["low", "medium", "high"]
    measurable: bool
    label: str = Field(max_length=60)


def review_step(ctx: AgentContext, step: str) -> tuple[str, Engine]:
    return ctx.language(
        step,
        llm=lambda model: model.structured(Review, system=SYSTEM, user=USER, temperature=0.0).level,
        offline=lambda: "offline",
    )


def test_structured_answer_validates_after_stepping_down_from_json_schema(
    client: LLMClient, meter: RunMeter
) -> None:
    review = client.structured(
        Review, system=SYSTEM, user=USER, meter=meter, step="local.review", temperature=0.0
    )
    assert isinstance(review, Review)
    assert Review.model_validate(review.model_dump()) == review
    assert client.output_mode == "json_object_schema"


def test_text_answer_is_non_empty_prose(client: LLMClient, meter: RunMeter) -> None:
    answer = client.text(
        system="You are a terse assistant.",
        user="Say hello in one short sentence.",
        meter=meter,
        step="local.hello",
        temperature=0.0,
    )
    assert isinstance(answer, str)
    assert answer.strip()


def test_metering_records_the_servers_token_counts(client: LLMClient, meter: RunMeter) -> None:
    client.text(system="Be brief.", user="Name a colour.", meter=meter, step="local.colour")
    [call] = meter.calls
    assert call.step == "local.colour"
    assert not call.estimated
    assert call.prompt_tokens > 0
    assert call.completion_tokens > 0
    assert meter.run_tokens == call.prompt_tokens + call.completion_tokens
    assert "local.colour" in meter.token_report()


def test_agent_step_on_a_reachable_model_reports_engine_llm(
    settings: Settings, client: LLMClient
) -> None:
    ctx = AgentContext.create(settings, agent="local", llm=client, ledger=InMemoryOrgLedger())
    level, engine = review_step(ctx, "review")
    assert engine == "llm"
    assert level in ("low", "medium", "high")
    assert ctx.engine == "llm"
    assert ctx.fallbacks == []
    assert ctx.meter.calls and ctx.meter.calls[-1].step == "local.review"


def test_model_stopped_mid_run_makes_the_next_step_fall_back_flagged(
    own_server: Callable[[], Any], make_settings: Callable[[str], Settings]
) -> None:
    server = own_server()
    settings = make_settings(server.base_url)
    client = LLMClient.from_settings(settings, sleep=lambda _s: None)
    ctx = AgentContext.create(settings, agent="local", llm=client, ledger=InMemoryOrgLedger())

    assert review_step(ctx, "first")[1] == "llm"
    server.stop()
    assert review_step(ctx, "second") == ("offline", "offline")

    assert ctx.engines == {"local.first": "llm", "local.second": "offline"}
    assert ctx.engine == "offline"
    assert [f.step for f in ctx.fallbacks] == ["local.second"]
    assert "unavailable" in ctx.fallbacks[0].reason
