"""The registry of agent graphs: name -> description and a builder that compiles the graph.

An agent module registers its graph once, at import:

    @register("critic", "Checks an OKR against the quality rules before it is published.")
    def build(checkpointer: BaseCheckpointSaver[Any] | None = None) -> CompiledGraph:
        graph = StateGraph(CriticState, context_schema=AgentContext)
        ...
        return graph.compile(checkpointer=checkpointer)

(`agents/approval_demo.py` is a complete, small example.)

Faces (CLI, API, workers) look agents up by name with `get()` / `compile_graph()`
and pass a checkpointer from `agents.checkpoints.open_checkpointer`. Every
module in the `agents` package is imported on first lookup, so a new agent
needs no edit here. `langgraph.json` names graphs as
`./agents/registry.py:<name>`; this module answers those names (compiled
without a checkpointer, which LangGraph Studio / `langgraph dev` supply).
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph

from okr.errors import NotFoundError

__all__ = [
    "AgentSpec",
    "Builder",
    "CompiledGraph",
    "agents",
    "compile_graph",
    "discover",
    "get",
    "register",
]

CompiledGraph = CompiledStateGraph[Any, Any, Any, Any]
"""A compiled agent graph (`invoke`, `stream`, `get_state`)."""

Builder = Callable[[BaseCheckpointSaver[Any] | None], CompiledGraph]
"""Compiles the agent's graph with the given checkpointer (None: no persistence)."""


@dataclass(frozen=True)
class AgentSpec:
    """A registered agent: its name, what it is for, and how to compile its graph."""

    name: str
    description: str
    build: Builder


_AGENTS: dict[str, AgentSpec] = {}
_discovered = False
_lock = threading.Lock()


def register(name: str, description: str) -> Callable[[Builder], Builder]:
    """Register `builder` under `name`; a second registration of a name is a bug."""

    def decorate(builder: Builder) -> Builder:
        existing = _AGENTS.get(name)
        if existing is not None and existing.build is not builder:
            qual = getattr(existing.build, "__qualname__", existing.build)
            raise ValueError(f"agent {name!r} is already registered by {qual}")
        _AGENTS[name] = AgentSpec(name, description, builder)
        return builder

    return decorate


def discover() -> None:
    """Import every module of the `agents` package once, so their graphs register."""
    global _discovered
    with _lock:
        if _discovered:
            return
        import agents

        for info in pkgutil.iter_modules(agents.__path__, prefix="agents."):
            importlib.import_module(info.name)
        _discovered = True


def agents() -> list[AgentSpec]:
    """Every registered agent, by name."""
    discover()
    return [_AGENTS[n] for n in sorted(_AGENTS)]


def get(name: str) -> AgentSpec:
    """The agent called `name`; `NotFoundError` lists the known ones otherwise."""
    discover()
    spec = _AGENTS.get(name)
    if spec is None:
        raise NotFoundError(f"no agent named {name!r}; known agents: {', '.join(sorted(_AGENTS))}")
    return spec


def compile_graph(name: str, checkpointer: BaseCheckpointSaver[Any] | None = None) -> CompiledGraph:
    """The agent's compiled graph, persisting to `checkpointer` when one is given."""
    return get(name).build(checkpointer)


def __getattr__(name: str) -> Any:
    """`langgraph.json` entries: `./agents/registry.py:<agent>` is that agent's graph."""
    if name.startswith("__"):
        raise AttributeError(name)
    real = importlib.import_module("agents.registry")
    try:
        return real.compile_graph(name)
    except NotFoundError:
        raise AttributeError(name) from None
