"""The model client, through the real `openai` client against the scripted server."""

from __future__ import annotations

import logging
import socket

import pytest
from pydantic import BaseModel, Field
from scripted_server import SECRET_KEY, Drop, Fail, RejectFormat, Reply, ScriptedServer, Slow

from agents.llm import LLMClient, LLMOutputError, LLMUnavailable, build_client
from agents.metering import RunMeter
from okr.settings import Settings


class Rewrite(BaseModel):
    title: str
    confidence: float = Field(ge=0, le=1)


GOOD = {"title": "Cut p95 latency to 200 ms", "confidence": 0.8}


def ask(client: LLMClient, meter: RunMeter) -> Rewrite:
    return client.structured(
        Rewrite, system="You rewrite OKRs.", user="Rewrite this.", meter=meter, step="t.rewrite"
    )


def test_structured_call_returns_a_validated_object(server, client, meter):
    server.script(Reply(GOOD, expect_format="json_schema"))
    assert ask(client, meter) == Rewrite(**GOOD)


def test_json_schema_request_is_strict_and_names_the_schema(server, client, meter):
    server.script(Reply(GOOD))
    ask(client, meter)
    fmt = server.requests[0].body["response_format"]
    assert fmt["json_schema"]["name"] == "Rewrite"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False


def test_request_carries_model_and_bearer_key(server, client, meter):
    server.script(Reply(GOOD))
    ask(client, meter)
    request = server.requests[0]
    assert request.body["model"] == "scripted-model"
    assert request.headers["Authorization"] == f"Bearer {SECRET_KEY}"


def test_rejected_json_schema_falls_back_to_json_object_with_the_schema(server, client, meter):
    server.script(RejectFormat("json_schema"), Reply(GOOD, expect_format="json_object"))
    assert ask(client, meter) == Rewrite(**GOOD)
    assert client.output_mode == "json_object_schema"
    assert server.requests[1].body["response_format"]["schema"]["title"] == "Rewrite"
    assert "JSON Schema" in server.requests[1].messages[0]["content"]


def test_bare_500_on_a_first_json_schema_call_tries_json_object_and_keeps_it(
    server, client, meter, sleeps
):
    server.script(Fail(500, expect_format="json_schema"), Reply(GOOD, expect_format="json_object"))
    assert ask(client, meter) == Rewrite(**GOOD)
    assert client.output_mode == "json_object_schema"
    assert sleeps == []


def test_bare_500_that_persists_is_a_fault_not_a_format_rejection(server, client, meter, sleeps):
    server.script(
        Fail(500, expect_format="json_schema"),
        Fail(500, expect_format="json_object"),
        Reply(GOOD, expect_format="json_schema"),
    )
    assert ask(client, meter) == Rewrite(**GOOD)
    assert client.output_mode == "json_schema"
    assert len(sleeps) == 1


def test_llama_cpp_style_500_on_json_schema_falls_back_without_retrying(
    server, client, meter, sleeps
):
    server.script(RejectFormat("json_schema", status=500), Reply(GOOD, expect_format="json_object"))
    assert ask(client, meter) == Rewrite(**GOOD)
    assert sleeps == []


def test_fallback_is_remembered_for_later_calls(server, client, meter):
    server.script(
        RejectFormat("json_schema"),
        Reply(GOOD, expect_format="json_object"),
        Reply(GOOD, expect_format="json_object"),
    )
    ask(client, meter)
    ask(client, meter)
    assert "schema" in server.requests[2].body["response_format"]


def test_server_rejecting_every_response_format_gets_a_plain_prompt(server, client, meter):
    server.script(
        RejectFormat("json_schema"),
        RejectFormat("json_object"),
        RejectFormat("json_object"),
        Reply(GOOD),
    )
    assert ask(client, meter) == Rewrite(**GOOD)
    assert server.requests[3].response_format is None
    assert client.output_mode == "prompt"


def test_code_fenced_json_is_accepted(server, client, meter):
    server.script(Reply('```json\n{"title": "x", "confidence": 0.5}\n```'))
    assert ask(client, meter).title == "x"


def test_malformed_json_gets_a_repair_round(server, client, meter):
    server.script(Reply('{"title": "x", "confid'), Reply(GOOD))
    assert ask(client, meter) == Rewrite(**GOOD)
    repair = server.requests[1].messages
    assert repair[-2] == {"role": "assistant", "content": '{"title": "x", "confid'}
    assert "not valid" in repair[-1]["content"]


def test_repair_round_names_the_schema_violation(server, client, meter):
    server.script(Reply({"title": "x", "confidence": 7}), Reply(GOOD))
    ask(client, meter)
    assert "confidence" in server.requests[1].messages[-1]["content"]


def test_answer_still_invalid_after_repair_fails_cleanly(server, client, meter):
    server.script(Reply({"nope": 1}), Reply({"still": "wrong"}))
    with pytest.raises(LLMOutputError) as info:
        ask(client, meter)
    assert any("title" in p for p in info.value.problems)
    assert "Rewrite" in str(info.value)


def test_truncated_answer_is_repaired(server, client, meter):
    server.script(Reply('{"title": "x"', finish_reason="length"), Reply(GOOD))
    assert ask(client, meter) == Rewrite(**GOOD)


def test_429_is_retried_and_retry_after_honoured(server, client, meter, sleeps):
    server.script(Fail(429, headers={"Retry-After": "3"}), Reply(GOOD))
    assert ask(client, meter) == Rewrite(**GOOD)
    assert len(sleeps) == 1
    assert sleeps[0] >= 3


def test_retry_after_ms_is_honoured(server, client, meter, sleeps):
    server.script(Fail(429, headers={"retry-after-ms": "1500"}), Reply(GOOD))
    ask(client, meter)
    assert sleeps[0] >= 1.5


def test_retry_after_beyond_the_time_budget_gives_up_without_waiting(
    server, settings, meter, sleeps
):
    client = LLMClient.from_settings(
        settings.model_copy(update={"llm_total_budget_s": 5.0}), sleep=sleeps.append
    )
    server.script(Fail(429, headers={"Retry-After": "600"}))
    with pytest.raises(LLMUnavailable, match="429"):
        ask(client, meter)
    assert sleeps == []


def test_500_is_retried_with_backoff(server, client, meter, sleeps):
    server.script(Reply(GOOD), Fail(500), Fail(503), Reply(GOOD))
    ask(client, meter)
    assert ask(client, meter) == Rewrite(**GOOD)
    assert len(sleeps) == 2
    assert all(s > 0 for s in sleeps)


def test_timeout_is_retried(server, settings, meter, sleeps):
    client = LLMClient.from_settings(
        settings.model_copy(update={"llm_timeout_s": 1.0}), sleep=sleeps.append
    )
    server.script(Slow(3.0), Reply(GOOD))
    assert ask(client, meter) == Rewrite(**GOOD)
    assert len(sleeps) == 1


def test_dropped_connection_is_retried(server, client, meter, sleeps):
    server.script(Drop(), Reply(GOOD))
    assert ask(client, meter) == Rewrite(**GOOD)


def test_retries_stop_after_the_configured_attempts(server, client, meter, sleeps):
    server.script(Reply(GOOD), *[Fail(500)] * 4)
    ask(client, meter)
    with pytest.raises(LLMUnavailable, match="after 4 attempt"):
        ask(client, meter)
    assert len(sleeps) == 3


def test_connection_refused_is_unavailable_after_retries(settings, meter, sleeps):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = settings.model_copy(update={"llm_base_url": f"http://127.0.0.1:{port}/v1"})
    client = LLMClient.from_settings(closed, sleep=sleeps.append)
    with pytest.raises(LLMUnavailable, match="APIConnectionError"):
        ask(client, meter)
    assert len(sleeps) == settings.llm_max_retries


def test_authentication_error_is_not_retried(server, client, meter, sleeps):
    server.script(Fail(401, message="bad key"))
    with pytest.raises(LLMUnavailable, match="401"):
        ask(client, meter)
    assert sleeps == []


def test_text_call_returns_prose(server, client, meter):
    server.script(Reply("Three teams are behind.", expect_format=None))
    text = client.text(system="s", user="u", meter=meter, step="t.summary")
    assert text == "Three teams are behind."
    assert server.requests[0].response_format is None


def test_every_call_is_metered_with_step_model_and_tokens(server, client, meter):
    server.script(
        Reply({"bad": 1}, prompt_tokens=30, completion_tokens=5),
        Reply(GOOD, prompt_tokens=50, completion_tokens=12),
    )
    ask(client, meter)
    assert [(c.step, c.model, c.prompt_tokens, c.completion_tokens) for c in meter.calls] == [
        ("t.rewrite", "scripted-model", 30, 5),
        ("t.rewrite", "scripted-model", 50, 12),
    ]
    assert meter.run_tokens == 97


def test_missing_usage_is_estimated(server, client, meter):
    server.script(Reply(GOOD, usage=False))
    ask(client, meter)
    assert meter.calls[0].estimated
    assert meter.calls[0].total_tokens > 0


def test_max_tokens_is_capped_by_the_remaining_budget(server, client, meter):
    server.script(Reply(GOOD))
    ask(client, meter)
    assert 0 < server.requests[0].body["max_tokens"] <= meter.run_budget


def test_build_client_is_none_when_no_model_is_configured(tmp_path, monkeypatch):
    for var in ("OKR_LLM_BASE_URL", "OKR_LLM_MODEL", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(var, raising=False)
    assert build_client(Settings(data_dir=tmp_path)) is None


def test_openai_environment_variables_are_honoured(server, tmp_path, monkeypatch):
    for var in ("OKR_LLM_BASE_URL", "OKR_LLM_MODEL", "OKR_LLM_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_MODEL", "from-openai-env")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    client = build_client(Settings(data_dir=tmp_path))
    assert client is not None
    assert (client.base_url, client.model) == (server.base_url, "from-openai-env")


def test_okr_variables_win_over_openai_ones(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_MODEL", "openai-one")
    monkeypatch.setenv("OKR_LLM_MODEL", "okr-one")
    assert Settings(data_dir=tmp_path).llm_model == "okr-one"


def test_base_url_alone_configures_a_model(server, tmp_path, monkeypatch):
    for var in ("OKR_LLM_MODEL", "OPENAI_MODEL"):
        monkeypatch.delenv(var, raising=False)
    client = build_client(Settings(data_dir=tmp_path, llm_base_url=server.base_url))
    assert client is not None
    assert client.model == "default"


def test_api_key_never_appears_in_logs_errors_or_repr(
    server, client, meter, settings, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    server.script(
        Fail(500, message=f"boom {SECRET_KEY}"),
        Fail(401, message=f"Incorrect API key provided: {SECRET_KEY}"),
    )
    with pytest.raises(LLMUnavailable) as info:
        ask(client, meter)
    assert SECRET_KEY not in str(info.value)
    assert SECRET_KEY not in repr(info.value)
    assert SECRET_KEY not in caplog.text
    assert SECRET_KEY not in repr(client)
    assert SECRET_KEY not in repr(settings)


def test_non_loopback_hosts_are_fenced_off_in_tests(loopback_only):
    with pytest.raises(ConnectionRefusedError), socket.socket() as s:
        s.connect(("192.0.2.1", 80))
    loopback_only.clear()


def test_scripted_server_detects_unused_steps():
    srv = ScriptedServer()
    try:
        srv.script(Reply(GOOD))
        with pytest.raises(AssertionError, match="never used"):
            srv.verify()
    finally:
        srv.close()


def test_models_that_refuse_max_tokens_get_max_completion_tokens(server, client, meter, sleeps):
    refusal = (
        "Unsupported parameter: 'max_tokens' is not supported with this model."
        " Use 'max_completion_tokens' instead."
    )
    server.script(Fail(400, message=refusal), Reply(GOOD, expect_format="json_schema"))
    assert ask(client, meter) == Rewrite(**GOOD)
    assert "max_completion_tokens" in server.requests[1].body
    assert "max_tokens" not in server.requests[1].body
    assert client.output_mode == "json_schema"
