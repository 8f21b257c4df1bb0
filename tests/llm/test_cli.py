"""`okr llm --ping` against a scripted server, unreachable, and with nothing configured."""

from __future__ import annotations

import socket

import pytest
from scripted_server import SECRET_KEY, Reply
from typer.testing import CliRunner

from api.cli import app


@pytest.fixture
def env(tmp_path, monkeypatch) -> dict[str, str]:
    for var in ("OKR_LLM_BASE_URL", "OKR_LLM_MODEL", "OKR_LLM_API_KEY", "OKR_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    for var in ("OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    return {
        "OKR_DATA_DIR": str(tmp_path),
        "OKR_LLM_MAX_RETRIES": "1",
        "OKR_LLM_BACKOFF_INITIAL_S": "0.001",
        "OKR_LLM_BACKOFF_MAX_S": "0.001",
    }


def test_ping_through_a_configured_server_is_metered(server, env):
    server.script(Reply({"ok": True, "model": "scripted"}, prompt_tokens=42, completion_tokens=7))
    env |= {"OKR_LLM_BASE_URL": server.base_url, "OKR_LLM_API_KEY": SECRET_KEY}
    result = CliRunner().invoke(app, ["llm", "--ping"], env=env)
    assert result.exit_code == 0, result.output
    assert "engine: llm" in result.output
    assert "runtime.ping" in result.output and "| 49 " in result.output
    assert SECRET_KEY not in result.output


def test_ping_with_nothing_configured_answers_offline(env):
    result = CliRunner().invoke(app, ["llm", "--ping"], env=env)
    assert result.exit_code == 0, result.output
    assert "offline (no model configured)" in result.output
    assert "engine: offline" in result.output


def test_ping_to_an_unreachable_model_falls_back_visibly(env):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env |= {"OKR_LLM_BASE_URL": f"http://127.0.0.1:{port}/v1"}
    result = CliRunner().invoke(app, ["llm", "--ping"], env=env)
    assert result.exit_code == 0, result.output
    assert "engine: offline" in result.output
    assert "fell back at runtime.ping" in result.output


def test_agents_command_lists_registered_graphs():
    result = CliRunner().invoke(app, ["agents"])
    assert result.exit_code == 0
    assert "approval_demo" in result.output
