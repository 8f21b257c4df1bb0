"""Fixtures for the risk radar agent: the demo organisation in a store, settings, a webhook.

The demo is built as of `AS_OF` (mid-November of its current quarter) so
that its stale owners, blockers and dependencies are the same on any day.
`webhook` is a tiny Slack-compatible HTTP server on 127.0.0.1 that answers
from a script and records what it was sent.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from scripted_server import ScriptedServer, scripted_settings

from agents.llm import LLMClient
from agents.metering import InMemoryOrgLedger
from agents.runtime import AgentContext
from okr.demo import build_demo_org
from okr.settings import Settings
from okr.store import Store

AS_OF = date(2026, 11, 20)
ORG = "demo"


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "okr.sqlite3"


@pytest.fixture
def store_url(store_path: Path) -> str:
    """The database `store` opens: a SQLite file (a module may override this fixture to run
    on every backend, see tests/support/stores.py)."""
    return f"sqlite:///{store_path}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """The demo organisation (Northwind) as of AS_OF, in a fresh store (SQLite by default)."""
    s = Store(store_url)
    s.save_snapshot(build_demo_org(ORG, AS_OF), replace=True)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Offline settings (no model)."""
    return Settings(data_dir=tmp_path / "data", org=ORG, llm_base_url=None, llm_model=None,
                    llm_api_key=None)


@pytest.fixture
def offline_ctx(settings: Settings, store: Store) -> AgentContext:
    return AgentContext.create(settings, llm=None, store=store, agent="risk_radar")


@pytest.fixture
def llm_settings(server: ScriptedServer, tmp_path: Path) -> Settings:
    """Settings for a model on the scripted server, with tiny waits."""
    return scripted_settings(server, tmp_path / "data", ORG, llm_max_retries=2)


@pytest.fixture
def llm_ctx(llm_settings: Settings, store: Store) -> AgentContext:
    client = LLMClient.from_settings(llm_settings, sleep=lambda _s: None)
    return AgentContext.create(llm_settings, llm=client, store=store, agent="risk_radar",
                               ledger=InMemoryOrgLedger())


@dataclass
class Webhook:
    """A loopback Slack-compatible webhook: scripted statuses, recorded bodies."""

    url: str
    statuses: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def answer(self, status: int, headers: dict[str, str] | None = None) -> None:
        """Queue the status of the next request (200 once the queue is empty)."""
        self.statuses.append((status, headers or {}))


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            hook.bodies.append(json.loads(self.rfile.read(length) or b"{}"))
            hook.paths.append(self.path)
            status, headers = hook.statuses.pop(0) if hook.statuses else (200, {})
            body = b"ok" if status == 200 else b"error"
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/services/T000/B000/SeCrEtToKeN42"
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
