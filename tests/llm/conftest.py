"""Fixtures for the LLM runtime tests: a scripted server, settings pointing at it, a meter.

Every test here runs with the network fenced to loopback: a connection to
any other host is refused and fails the test at teardown, so nothing can
quietly reach a real model.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from scripted_server import SECRET_KEY, ScriptedServer

from agents.llm import LLMClient
from agents.metering import InMemoryOrgLedger, RunMeter
from okr.settings import Settings


def _is_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse, and fail the test on, any connection to a host other than loopback."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            attempts.append(repr(address))
            raise ConnectionRefusedError(f"tests may only reach loopback, not {address!r}")

    def connect(sock: socket.socket, address: Any) -> None:
        guard(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        guard(sock, address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield attempts
    assert not attempts, f"a test tried to reach a non-loopback host: {attempts}"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """The scripted server; every scripted step must be used by the end of the test."""
    srv = ScriptedServer()
    try:
        yield srv
        srv.verify()
    finally:
        srv.close()


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
