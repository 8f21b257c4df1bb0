"""The risk radar agent: scan, trace causes, propose playbooks, ask a person, record.

    scan -> trace -> propose -> approve (interrupt) -> record

`scan` runs the deterministic radar (`okr.risk`) over the store's current
cycle (or a named cycle, or a quarter file given in the input) as of a date,
and keeps the key results at risk or off track, riskiest first. `trace`
gathers, for each, its reasons, the dependency chain with owners and teams,
and the latest notes; with a model configured it asks for a short root-cause
summary grounded only in those figures and notes (notes handed over as
data, and a summary that cites a number found in neither is refused), and
otherwise writes the summary from templates over the reasons; each finding
says which engine wrote it. `propose` matches the playbook library.
`approve` pauses the run (a LangGraph interrupt, resumable from any process
with `Command(resume=...)`) until a person answers:

    {"approved": true, "actor": "p-01", "reason": "weekly review",
     "choices": {"kr-1": "escalate_dependency", "kr-2": null}}

Only then does `record` write each chosen playbook as a decision on its key
result (a history row with actor and reason). A rejection writes nothing.
"""

from __future__ import annotations

import re
from datetime import date
from functools import partial
from typing import Any, Literal, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel, Field

from agents.llm import LLMOutputError
from agents.playbooks import as_json, propose, upstream_of
from agents.prompts import render
from agents.registry import CompiledGraph, register
from agents.runtime import AgentContext, BoundModel, Engine, context_of
from okr.errors import ValidationError
from okr.quarter import QuarterFile
from okr.risk import KRRisk, RiskReport, assess_quarter
from tools.store_reads import CycleView, cycle_view, quarter_view

__all__ = [
    "DEFAULT_LIMIT",
    "RiskState",
    "RootCause",
    "build",
    "load_view",
    "offline_summary",
    "scan_view",
]

DEFAULT_LIMIT = 10
"""Key results traced per run when the input gives no `limit` (riskiest first)."""

REASON_PHRASES = {
    "behind_pace": "progress is behind the plan for this point of the cycle",
    "stalled": "the number has not moved over the last check-ins",
    "regressing": "the number is moving away from the target",
    "stale": "nobody has checked in recently",
    "low_confidence": "the owner's confidence is low",
    "falling_confidence": "the owner's confidence is falling",
    "blocker_reported": "a check-in note names a blocker",
    "dependency_at_risk": "a key result it depends on is at risk",
}


class RootCause(BaseModel):
    """What the model is asked for: a short summary of why the key result is at risk."""

    summary: str = Field(min_length=10, max_length=800)


class RiskState(TypedDict, total=False):
    """The graph's state (plain JSON values, checkpointed between nodes)."""

    cycle: str | None
    as_of: str | None
    quarter: dict[str, Any] | None
    kr_ids: list[str] | None
    limit: int
    cycle_name: str
    findings: list[dict[str, Any]]
    proposals: dict[str, list[dict[str, Any]]]
    approved: bool
    actor: str | None
    reason: str | None
    choices: dict[str, str | None]
    ignored: list[str]
    decisions: list[dict[str, Any]]
    engine: Engine
    status: Literal["clear", "proposed", "recorded", "rejected"]


# ---- reading --------------------------------------------------------------------


def load_view(state: RiskState, ctx: AgentContext) -> CycleView:
    """The cycle the run reads: the input's quarter file, else the store's cycle as of a date."""
    raw = state.get("quarter")
    if raw is not None:
        return quarter_view(QuarterFile.model_validate(raw), ctx.org_id)
    if ctx.store is None:
        raise ValidationError("the risk radar needs a store in its context or a quarter file")
    as_of = state.get("as_of")
    return cycle_view(ctx.store, ctx.org_id, state.get("cycle"),
                      date.fromisoformat(as_of) if as_of else None)


def scan_view(view: CycleView) -> tuple[RiskReport, dict[str, KRRisk]]:
    """The radar over a view, and its readings by key result id."""
    report = assess_quarter(view.quarter)
    return report, {k.id: k for k in report.key_results}


def _chain(kr: KRRisk, view: CycleView, index: dict[str, KRRisk]) -> list[dict[str, Any]]:
    out = []
    for link in view.upstream(kr.id):
        up = index.get(link.kr_id)
        out.append({"kr_id": link.kr_id, "depth": link.depth, "via": link.via,
                    "text": view.key_results[link.kr_id].text,
                    "status": up.status if up else "unknown",
                    "p_miss": round(up.p_miss, 4) if up else None,
                    "owner_id": link.owner_id, "owner_name": view.person_name(link.owner_id),
                    "team_id": link.team_id, "team_name": view.team_name(link.team_id)})
    return out


def _notes(kr: KRRisk, view: CycleView) -> list[dict[str, str]]:
    notes = view.notes(kr.id, limit=3)
    upstream = upstream_of(kr, view)
    if upstream is not None:
        notes += view.notes(upstream, limit=2)
    return [{"kr_id": n.kr_id, "date": n.date.isoformat(), "text": n.text} for n in notes]


def _finding(kr: KRRisk, view: CycleView, index: dict[str, KRRisk]) -> dict[str, Any]:
    owner, team = view.owner_of(kr.id), view.team_of(kr.id)
    return {**kr.to_contract(), "text": view.key_results[kr.id].text,
            "progress": round(kr.signals.progress, 4), "elapsed": round(kr.signals.elapsed, 4),
            "own_p_miss": round(kr.own_p_miss, 4),
            "dependency_risk": round(kr.dependency_risk, 4),
            "dependency_culprit": upstream_of(kr, view),
            "owner_id": owner, "owner_name": view.person_name(owner),
            "team_id": team, "team_name": view.team_name(team),
            "chain": _chain(kr, view, index), "notes": _notes(kr, view)}


# ---- root-cause summaries ----------------------------------------------------------


def figures_text(f: dict[str, Any]) -> str:
    """The trusted figures of a finding, one per line, as the model sees them."""
    lines = [
        f"- status: {f['status']}; p_miss {f['p_miss']:.2f} ({f['p_miss']:.0%} chance of"
        f" ending below 0.7); forecast final score {f['forecast']:.2f}",
        f"- progress {f['progress']:.0%} of the way with {f['elapsed']:.0%} of the cycle gone",
        f"- owner {f['owner_name']} ({f['team_name']})",
        f"- reasons: {', '.join(f['reasons']) or 'none'}",
        f"- radar explanation: {f['explanation']}",
    ]
    for link in f["chain"]:
        p = f"p_miss {link['p_miss']:.2f}" if link["p_miss"] is not None else "p_miss unknown"
        lines.append(f"- depends on {link['kr_id']} (depth {link['depth']}): {link['status']},"
                     f" {p}, owner {link['owner_name']} ({link['team_name']})")
    return "\n".join(lines)


def notes_text(f: dict[str, Any]) -> str:
    return "\n".join(f"[{n['kr_id']} {n['date']}] {n['text']}" for n in f["notes"]) or "(none)"


def offline_summary(f: dict[str, Any]) -> str:
    """The deterministic engine: the summary from templates over the reasons and chain."""
    causes = [REASON_PHRASES[r] for r in f["reasons"] if r in REASON_PHRASES]
    lead = (f"{f['id']} ({f['team_name']}, owner {f['owner_name']}) is {f['status']} with a "
            f"{f['p_miss']:.0%} chance of ending below 0.7")
    text = lead + (": " + "; ".join(causes) if causes else "") + "."
    culprit = next((c for c in f["chain"] if c["kr_id"] == f["dependency_culprit"]), None)
    if culprit is not None:
        text += (f" The risk comes through {culprit['kr_id']}, owned by {culprit['owner_name']}"
                 f" ({culprit['team_name']}), which is {culprit['status']}.")
    own = [n for n in f["notes"] if n["kr_id"] == f["id"]]
    if own:
        text += f" Latest note ({own[-1]['date']}): \"{own[-1]['text'][:200]}\""
    return text


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _numbers(text: str) -> set[str]:
    """The numbers a text states, normalised (`0.90` and `0,9` are both `0.9`)."""
    out = set()
    for m in _NUMBER.findall(text):
        n = m.replace(",", ".")
        out.add(n.rstrip("0").rstrip(".") if "." in n else n)
    return out


def _grounded(summary: str, source: str) -> list[str]:
    """Numbers the summary states that appear nowhere in its source."""
    return sorted(_numbers(summary) - _numbers(source))


def _ask_model(model: BoundModel, f: dict[str, Any]) -> str:
    figures, notes = figures_text(f), notes_text(f)
    answer = model.structured(
        RootCause,
        system=render("risk", "root_cause_system"),
        user=render("risk", "root_cause_user", kr_id=f["id"], figures=figures,
                    kr_text=f["text"], notes=notes),
    ).summary.strip()
    invented = _grounded(answer, f"{f['id']} {f['text']}\n{figures}\n{notes}")
    if invented:
        raise LLMOutputError(f"root cause of {f['id']} cites figures not in the data",
                             [f"unsupported number {n}" for n in invented])
    return answer


# ---- nodes ----------------------------------------------------------------------------


def scan(state: RiskState, runtime: Runtime[AgentContext]) -> RiskState:
    ctx = context_of(runtime)
    view = load_view(state, ctx)
    report, index = scan_view(view)
    wanted = set(state.get("kr_ids") or ())
    risky = [k for k in report.key_results
             if k.status != "on_track" and (not wanted or k.id in wanted)]
    risky.sort(key=lambda k: (-k.p_miss, k.id))
    limit = state.get("limit") or DEFAULT_LIMIT
    findings = [_finding(k, view, index) for k in risky[:limit]]
    return {"as_of": view.as_of.isoformat(), "cycle_name": view.cycle.name,
            "findings": findings, "status": "proposed" if findings else "clear"}


def trace(state: RiskState, runtime: Runtime[AgentContext]) -> RiskState:
    ctx = context_of(runtime)
    out = []
    for f in state["findings"]:
        summary, engine = ctx.language(
            "root_cause",
            llm=partial(_ask_model, f=f),
            offline=partial(offline_summary, f),
        )
        out.append({**f, "summary": summary, "engine": engine})
    engines = {f["engine"] for f in out}
    return {"findings": out, "engine": "llm" if engines == {"llm"} else "offline"}


def propose_node(state: RiskState, runtime: Runtime[AgentContext]) -> RiskState:
    ctx = context_of(runtime)
    view = load_view(state, ctx)
    _report, index = scan_view(view)
    proposals = {f["id"]: as_json(propose(index[f["id"]], view, index))
                 for f in state["findings"] if f["id"] in index}
    return {"proposals": proposals}


def approve(state: RiskState) -> RiskState:
    question = {
        "question": "Choose one playbook per key result (or none); nothing is recorded "
                    "without approval.",
        "as_of": state.get("as_of"),
        "key_results": [
            {"id": f["id"], "status": f["status"], "p_miss": f["p_miss"],
             "summary": f.get("summary", ""), "engine": f.get("engine", "offline"),
             "options": [{"id": p["id"], "title": p["title"], "steps": p["steps"],
                          "actors": p["actors"], "proposal": p["proposal"]}
                         for p in state.get("proposals", {}).get(f["id"], [])]}
            for f in state["findings"]],
    }
    answer: Any = interrupt(question)
    if not isinstance(answer, dict):
        answer = {"approved": bool(answer)}
    choices = answer.get("choices") or {}
    return {"approved": bool(answer.get("approved")),
            "actor": str(answer["actor"]) if answer.get("actor") else None,
            "reason": str(answer["reason"]) if answer.get("reason") else None,
            "choices": {str(k): (str(v) if v else None) for k, v in dict(choices).items()}}


def record(state: RiskState, runtime: Runtime[AgentContext]) -> RiskState:
    ctx = context_of(runtime)
    if not state.get("approved"):
        return {"status": "rejected", "decisions": [], "ignored": []}
    proposals = state.get("proposals", {})
    findings = {f["id"]: f for f in state["findings"]}
    decisions: list[dict[str, Any]] = []
    ignored: list[str] = []
    for kr_id, choice in sorted(state.get("choices", {}).items()):
        if choice is None:
            continue
        chosen = next((p for p in proposals.get(kr_id, []) if p["id"] == choice), None)
        if chosen is None:
            ignored.append(f"{kr_id}: {choice!r} is not one of its proposed playbooks")
            continue
        f = findings[kr_id]
        decision = {"type": "playbook", "playbook": chosen["id"], "kind": chosen["kind"],
                    "title": chosen["title"], "steps": chosen["steps"],
                    "actors": chosen["actors"], "proposal": chosen["proposal"],
                    "as_of": state.get("as_of"), "status": f["status"], "p_miss": f["p_miss"],
                    "reasons": f["reasons"], "run_id": ctx.run_id}
        recorded = state.get("quarter") is None and ctx.store is not None
        if recorded:
            ctx.store.record_decision(ctx.org_id, kr_id, decision, state.get("actor"),
                                      state.get("reason") or f"risk radar: {chosen['title']}")
        decisions.append({"kr_id": kr_id, "recorded": recorded, **decision})
    return {"status": "recorded", "decisions": decisions, "ignored": ignored}


def _after_scan(state: RiskState) -> str:
    return "trace" if state.get("findings") else END


@register("risk_radar", "Finds key results at risk, traces causes, proposes recovery "
          "playbooks and records the one a person approves.")
def build(checkpointer: BaseCheckpointSaver[Any] | None = None) -> CompiledGraph:
    """The compiled risk radar graph."""
    graph = StateGraph(RiskState, context_schema=AgentContext)
    graph.add_node("scan", scan)
    graph.add_node("trace", trace)
    graph.add_node("propose", propose_node)
    graph.add_node("approve", approve)
    graph.add_node("record", record)
    graph.add_edge(START, "scan")
    graph.add_conditional_edges("scan", _after_scan, ["trace", END])
    graph.add_edge("trace", "propose")
    graph.add_edge("propose", "approve")
    graph.add_edge("approve", "record")
    graph.add_edge("record", END)
    return graph.compile(checkpointer=checkpointer)
