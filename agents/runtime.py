"""What every agent step runs with: one context object and the engine choice.

`AgentContext` carries a run's dependencies (settings, store, memory, tools,
the model client or None, the meter, the organisation). LangGraph hands it to
nodes as the runtime context (`graph.invoke(..., context=ctx)`; a node takes
`runtime: Runtime[AgentContext]`), never through globals.

`ctx.language(...)` is how a step that needs language chooses its engine:

    rewrite, engine = ctx.language(
        "rewrite",
        llm=lambda model: model.structured(Rewrite, system=..., user=...),
        offline=lambda: rewrite_by_rules(okr),
    )

It uses the model when one is configured and reachable, and the step's
deterministic implementation otherwise, and says which (`"llm"` or
`"offline"`). Falling back is logged once per run, at WARNING, and kept in
`ctx.fallbacks`. A spent token budget (`BudgetExceeded`) is never turned
into a fallback: it stops the run.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel

from agents.llm import LLMClient, LLMOutputError, LLMUnavailable, build_client
from agents.metering import InMemoryOrgLedger, OrgLedger, RunMeter, SqliteOrgLedger
from okr.settings import Settings

__all__ = [
    "AgentContext",
    "BoundModel",
    "Engine",
    "Fallback",
    "context_of",
    "run_config",
]

log = logging.getLogger(__name__)

Engine = Literal["llm", "offline"]
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

_UNSET: Any = object()


@dataclass(frozen=True)
class Fallback:
    """A step that used the offline engine although a model is configured, and why."""

    step: str
    reason: str


@dataclass(frozen=True)
class BoundModel:
    """The model client bound to one step's meter and name, as a step's `llm` callable sees it."""

    client: LLMClient
    meter: RunMeter
    step: str

    def structured(
        self, schema: type[M], *, system: str, user: str, temperature: float | None = None
    ) -> M:
        """A validated `schema` object from the model (see `LLMClient.structured`)."""
        return self.client.structured(
            schema,
            system=system,
            user=user,
            meter=self.meter,
            step=self.step,
            temperature=temperature,
        )

    def text(self, *, system: str, user: str, temperature: float | None = None) -> str:
        """Free prose from the model (see `LLMClient.text`)."""
        return self.client.text(
            system=system, user=user, meter=self.meter, step=self.step, temperature=temperature
        )


@dataclass
class AgentContext:
    """A run's dependencies and its engine record; build one per run with `create()`."""

    settings: Settings
    org_id: str
    meter: RunMeter
    llm: LLMClient | None = None
    store: Any = None
    memory: Any = None
    tools: Any = None
    agent: str = ""
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    engines: dict[str, Engine] = field(default_factory=dict)
    fallbacks: list[Fallback] = field(default_factory=list)
    _llm_down: str | None = field(default=None, repr=False)
    _announced: bool = field(default=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def create(
        cls,
        settings: Settings,
        *,
        org_id: str | None = None,
        agent: str = "",
        llm: LLMClient | None = _UNSET,
        store: Any = None,
        memory: Any = None,
        tools: Any = None,
        ledger: OrgLedger | None = None,
    ) -> AgentContext:
        """A context for one run: the model from settings unless `llm` is given (None = offline).

        The organisation's token total is kept in `ledger`, by default a SQLite
        file under the data folder when a model is configured (shared by every
        process on the machine) and in memory otherwise.
        """
        client = build_client(settings) if llm is _UNSET else llm
        if ledger is None:
            ledger = (
                SqliteOrgLedger(settings.data_dir / "llm_usage.sqlite3")
                if client is not None
                else InMemoryOrgLedger()
            )
        org = org_id or settings.org
        run_id = uuid.uuid4().hex[:12]
        meter = RunMeter(
            org_id=org,
            run_budget=settings.llm_run_token_budget,
            org_budget=settings.llm_org_token_budget,
            ledger=ledger,
            run_id=run_id,
        )
        return cls(
            settings=settings,
            org_id=org,
            meter=meter,
            llm=client,
            store=store,
            memory=memory,
            tools=tools,
            agent=agent,
            run_id=run_id,
        )

    @property
    def engine(self) -> Engine:
        """The run's engine: "llm" only if every language step so far used the model."""
        if self.engines and all(e == "llm" for e in self.engines.values()):
            return "llm"
        return "offline"

    def language(
        self,
        step: str,
        *,
        llm: Callable[[BoundModel], T],
        offline: Callable[[], T],
    ) -> tuple[T, Engine]:
        """Run a language step on the model if possible, else offline; return (result, engine).

        `LLMUnavailable` (not configured, unreachable after retries) and
        `LLMOutputError` (no valid answer after repair) fall back to `offline`;
        after `LLMUnavailable` the rest of the run stays offline rather than
        waiting out the retries again. `BudgetExceeded` propagates.
        """
        name = f"{self.agent}.{step}" if self.agent else step
        if self.llm is None:
            self._announce_offline()
            return self._done(name, offline(), "offline")
        if self._llm_down is not None:
            return self._done(name, offline(), "offline")
        try:
            result = llm(BoundModel(self.llm, self.meter, name))
        except LLMUnavailable as exc:
            with self._lock:
                self._llm_down = str(exc)
            self._fall_back(name, str(exc))
            return self._done(name, offline(), "offline")
        except LLMOutputError as exc:
            self._fall_back(name, str(exc))
            return self._done(name, offline(), "offline")
        return self._done(name, result, "llm")

    def _done(self, name: str, result: T, engine: Engine) -> tuple[T, Engine]:
        with self._lock:
            previous = self.engines.get(name)
            self.engines[name] = "offline" if previous == "offline" else engine
        return result, engine

    def _announce_offline(self) -> None:
        with self._lock:
            if self._announced:
                return
            self._announced = True
        log.info("run %s: no model configured; using the offline engine", self.run_id)

    def _fall_back(self, name: str, reason: str) -> None:
        with self._lock:
            self.fallbacks.append(Fallback(name, reason))
            first = not self._announced
            self._announced = True
        if first:
            log.warning(
                "run %s: falling back to the offline engine at step %s: %s",
                self.run_id,
                name,
                reason,
            )


def context_of(runtime: Any) -> AgentContext:
    """The `AgentContext` a LangGraph node was given, or an offline one from the environment.

    Graphs opened in LangGraph Studio / `langgraph dev` get no Python context
    object; they run on a context built from `Settings()` instead.
    """
    ctx = getattr(runtime, "context", None)
    if isinstance(ctx, AgentContext):
        return ctx
    return AgentContext.create(Settings())


def run_config(thread_id: str, **configurable: Any) -> RunnableConfig:
    """The LangGraph config that names a checkpointed thread (to start or resume it)."""
    return {"configurable": {"thread_id": thread_id, **configurable}}
