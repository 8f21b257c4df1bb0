"""A scripted OpenAI-compatible server on loopback, for testing the real client path.

Each test hands the server a script: the exact answers its next requests get
(a JSON reply, a 429 with `Retry-After`, a 500, a slow answer past the
client's timeout, a dropped connection, a rejected `response_format`). The
server records every request and, at teardown, `verify()` fails the test if
a scripted step was left unused, a request came that the script did not
expect, or a step's expectation about the request did not hold.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from okr.settings import Settings

SECRET_KEY = "sk-test-SECRET-do-not-leak-4242"
"""The API key the tests configure, so they can prove it never leaks."""


@dataclass
class Reply:
    """Answer 200 with `content` (a dict is sent as JSON text, a str as is)."""

    content: str | dict[str, Any] | list[Any]
    prompt_tokens: int = 20
    completion_tokens: int = 10
    usage: bool = True
    finish_reason: str = "stop"
    expect_format: str | None = None


@dataclass
class Fail:
    """Answer with an HTTP error status (and headers such as Retry-After)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    message: str = "scripted failure"
    expect_format: str | None = None


@dataclass
class RejectFormat:
    """Refuse a request that uses `response_format` of type `fmt`, as llama.cpp does."""

    fmt: str = "json_schema"
    status: int = 400


@dataclass
class Slow:
    """Wait `seconds` before answering, to run past the client's timeout."""

    seconds: float
    then: Reply = field(default_factory=lambda: Reply({"late": True}))


@dataclass
class Drop:
    """Close the connection without any answer."""


Step = Reply | Fail | RejectFormat | Slow | Drop


@dataclass
class Recorded:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float

    @property
    def response_format(self) -> str | None:
        fmt = self.body.get("response_format")
        return fmt.get("type") if isinstance(fmt, dict) else None

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))


class ScriptedServer:
    """The server: `script(...)` the steps, point a client at `base_url`, `verify()`."""

    def __init__(self) -> None:
        self._steps: deque[Step] = deque()
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        self.errors: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = -1  # one write per response: no Nagle / delayed-ACK stalls

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                server._handle(self)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *steps: Step) -> ScriptedServer:
        """Append steps that the next requests will consume, in order."""
        with self._lock:
            self._steps.extend(steps)
        return self

    @property
    def remaining(self) -> int:
        with self._lock:
            return len(self._steps)

    def verify(self) -> None:
        """Fail if a step was left unused or anything unexpected happened."""
        problems = list(self.errors)
        if self._steps:
            problems.append(f"{len(self._steps)} scripted step(s) never used: {list(self._steps)}")
        assert not problems, "scripted server: " + "; ".join(problems)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # ------------------------------------------------------------------ handling

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("content-length") or 0)
        raw = h.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_raw": raw.decode(errors="replace")}
        record = Recorded(h.path, dict(h.headers.items()), body, time.monotonic())
        with self._lock:
            self.requests.append(record)
            step = self._steps.popleft() if self._steps else None
        if not h.path.endswith("/chat/completions"):
            self.errors.append(f"unexpected path {h.path}")
            self._send(h, 404, {"error": {"message": "not found"}})
            return
        if step is None:
            self.errors.append("a request arrived after the script was used up")
            self._send(h, 400, {"error": {"message": "script exhausted"}})
            return
        self._answer(h, step, record)

    def _expect(self, expected: str | None, record: Recorded) -> bool:
        if expected is not None and record.response_format != expected:
            self.errors.append(
                f"expected response_format {expected!r}, got {record.response_format!r}"
            )
            return False
        return True

    def _answer(self, h: BaseHTTPRequestHandler, step: Step, record: Recorded) -> None:
        if isinstance(step, Drop):
            h.close_connection = True
            h.connection.shutdown(2)
            return
        if isinstance(step, Slow):
            time.sleep(step.seconds)
            step = step.then
        if isinstance(step, RejectFormat):
            if record.response_format != step.fmt:
                self.errors.append(
                    f"RejectFormat({step.fmt!r}) got response_format {record.response_format!r}"
                )
            message = f"response_format type {step.fmt} is not supported"
            self._send(h, step.status, {"error": {"message": message, "type": "invalid"}})
            return
        if isinstance(step, Fail):
            self._expect(step.expect_format, record)
            payload = {"error": {"message": step.message, "type": "scripted"}}
            self._send(h, step.status, payload, step.headers)
            return
        if not self._expect(step.expect_format, record):
            self._send(h, 400, {"error": {"message": "unexpected response_format"}})
            return
        content = step.content if isinstance(step.content, str) else json.dumps(step.content)
        completion: dict[str, Any] = {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": str(record.body.get("model", "scripted")),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": step.finish_reason,
                }
            ],
        }
        if step.usage:
            completion["usage"] = {
                "prompt_tokens": step.prompt_tokens,
                "completion_tokens": step.completion_tokens,
                "total_tokens": step.prompt_tokens + step.completion_tokens,
            }
        self._send(h, 200, completion)

    @staticmethod
    def _send(
        h: BaseHTTPRequestHandler,
        status: int,
        payload: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(payload).encode()
        try:
            h.send_response(status)
            h.send_header("content-type", "application/json")
            h.send_header("content-length", str(len(data)))
            for key, value in (headers or {}).items():
                h.send_header(key, value)
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): that is the point of Slow


def scripted_settings(server: ScriptedServer, data_dir: Path, org: str,
                      **overrides: Any) -> Settings:
    """Settings for a model on the scripted server: tiny waits, one repair round, small budgets.

    Tests pass `overrides` only for what they exercise (retries, budgets).
    """
    values: dict[str, Any] = {
        "data_dir": data_dir, "org": org, "llm_base_url": server.base_url,
        "llm_api_key": SECRET_KEY, "llm_model": "scripted-model", "llm_timeout_s": 2.0,
        "llm_max_retries": 1, "llm_total_budget_s": 20.0, "llm_backoff_initial_s": 0.001,
        "llm_backoff_max_s": 0.01, "llm_repair_rounds": 1, "llm_run_token_budget": 50_000,
        "llm_org_token_budget": 100_000,
    }
    return Settings(**(values | overrides))
