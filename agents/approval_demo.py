"""A tiny real graph that exercises the foundation end to end: draft, approve, finish.

It is the reference for agent authors and the subject of the runtime's tests:
one language step through `ctx.language` (model or offline, flagged), prompts
from files with the user's text as data, a human approval as a LangGraph
`interrupt()` that any process can resume with `Command(resume={"approved": ...})`,
and node events streamed with `stream_mode="updates"`.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel, Field

from agents.prompts import render
from agents.registry import CompiledGraph, register
from agents.runtime import AgentContext, Engine, context_of

__all__ = ["DemoState", "DraftTitle", "build", "offline_title"]


class DraftTitle(BaseModel):
    """What the model is asked for: one objective title."""

    title: str = Field(min_length=3, max_length=120)


class DemoState(TypedDict, total=False):
    """The graph's state, checkpointed between nodes."""

    team: str
    aim: str
    title: str
    engine: Engine
    approved: bool
    note: str
    status: Literal["drafted", "published", "rejected"]


def offline_title(aim: str) -> str:
    """The deterministic engine: the aim, tidied into a title."""
    words = " ".join(aim.split()).rstrip(".")
    return (words[:1].upper() + words[1:])[:120] or "Untitled objective"


def draft(state: DemoState, runtime: Runtime[AgentContext]) -> DemoState:
    ctx = context_of(runtime)
    team, aim = state.get("team", "our"), state["aim"]
    result, engine = ctx.language(
        "draft",
        llm=lambda model: (
            model.structured(
                DraftTitle,
                system=render("approval_demo", "system", team=team),
                user=render("approval_demo", "user", aim=aim),
            ).title
        ),
        offline=lambda: offline_title(aim),
    )
    return {"title": result, "engine": engine, "status": "drafted"}


def approve(state: DemoState) -> DemoState:
    decision: Any = interrupt({"question": "Publish this objective?", "title": state["title"]})
    approved = bool(decision.get("approved")) if isinstance(decision, dict) else bool(decision)
    note = str(decision.get("note", "")) if isinstance(decision, dict) else ""
    return {"approved": approved, "note": note}


def finish(state: DemoState) -> DemoState:
    return {"status": "published" if state.get("approved") else "rejected"}


@register("approval_demo", "Drafts an objective title, waits for approval, then publishes it.")
def build(checkpointer: BaseCheckpointSaver[Any] | None = None) -> CompiledGraph:
    """The compiled demo graph."""
    graph = StateGraph(DemoState, context_schema=AgentContext)
    graph.add_node("draft", draft)
    graph.add_node("approve", approve)
    graph.add_node("finish", finish)
    graph.add_edge(START, "draft")
    graph.add_edge("draft", "approve")
    graph.add_edge("approve", "finish")
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer)
