"""Fixtures for the whole suite.

Every test runs with the network fenced to loopback: a connection to any
other host is refused and fails the test at teardown, so nothing can quietly
reach a real model or service. `server` is the scripted OpenAI-compatible
server (tests/support/scripted_server.py) that LLM code is tested against.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent / "support"))

from scripted_server import ScriptedServer


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
