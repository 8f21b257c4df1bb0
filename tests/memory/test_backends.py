"""The other configured paths: a Chroma server instead of the embedded store, and an
OpenAI-compatible embeddings endpoint instead of the packaged model."""

from __future__ import annotations

import hashlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
import numpy as np
import pytest

from memory import open_memory
from memory import strategy_documents as docs
from memory.client import open_client
from okr.errors import ValidationError
from okr.settings import Settings

DIM = 32


def _vector(text: str) -> list[float]:
    """A bag-of-words vector: texts sharing words are near, like a real model's."""
    v = np.zeros(DIM)
    for word in text.lower().split():
        v[int(hashlib.sha1(word.encode()).hexdigest(), 16) % DIM] += 1.0
    return list(v / (np.linalg.norm(v) or 1.0))


class _Embeddings(BaseHTTPRequestHandler):
    seen_keys: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen_keys.append(self.headers.get("Authorization", ""))
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        payload = json.dumps({
            "object": "list", "model": body["model"],
            "data": [{"object": "embedding", "index": i, "embedding": _vector(t)}
                     for i, t in enumerate(texts)],
            "usage": {"prompt_tokens": 1, "total_tokens": 1},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def embeddings_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Embeddings)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()


def test_an_openai_compatible_endpoint_can_embed_the_memory(
        tmp_path: Path, embeddings_server: str) -> None:
    settings = Settings(data_dir=tmp_path, embeddings_base_url=embeddings_server,
                        embeddings_model="fake-embed", embeddings_api_key="sk-test",
                        memory_collection="remote-embeddings")
    memory = open_memory("acme", settings)
    memory.add(docs("a.md", "Churn", "reduce logo churn in the mid market"))
    memory.add(docs("b.md", "Close", "close the books in five days"))
    hits = memory.search("logo churn", k=2)
    assert memory.model == "openai-compatible:fake-embed"
    assert hits[0].key == "strategy:a.md#1"
    assert "Bearer sk-test" in _Embeddings.seen_keys


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = Path(sys.executable).parent / "chroma"
    if not binary.exists():
        pytest.skip("the chroma server command is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [str(binary), "run", "--path", str(tmp_path_factory.mktemp("server")),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        else:
            pytest.fail("the chroma server did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_chroma_server_serves_the_same_memory_with_the_same_isolation(
        tmp_path: Path, chroma_server: str) -> None:
    settings = Settings(data_dir=tmp_path, chroma_url=chroma_server)
    acme, globex = open_memory("acme", settings), open_memory("globex", settings)
    acme.add(docs("plan.md", "Plan", "reduce churn among healthcare customers"))
    globex.add(docs("plan.md", "Plan", "secret acquisition of a competitor"))
    assert [h.text for h in acme.search("secret acquisition of a competitor", k=10)] == [
        "Plan\nreduce churn among healthcare customers"]
    assert open_memory("acme", settings).count() == 1
    assert not (tmp_path / "memory").exists()


def test_a_malformed_chroma_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        open_client(Settings(data_dir=tmp_path, chroma_url="chroma:8000"))
