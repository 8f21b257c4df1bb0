"""The drafter: plain-language request in, critic-passing draft OKRs out, after approval.

The graph (registered as "drafter"):

    understand -> gather -> draft -> critique -> (revise -> critique)* -> approve -> write
         \\-> END with a clarifying question when the team or cycle is unclear

- understand: team, cycle ("next quarter" relative to the current one),
  parent objective, focus, count (`agents.draft_request`); with a model, one
  structured extraction whose strings go through the same resolvers. A team
  with no tracked metrics, or a document with no goals, also ends with a
  question rather than invented numbers.
- gather: the facts (`tools.okr_reads`): the team's metrics with the value of
  their last check-in, targets from how far each metric moved before, the
  parent and company objectives, past objectives with scores, the closing
  notes, and similar past OKRs from memory when `ctx.memory` is set.
- draft: offline, templates over the team's own metric groups
  (`agents.draft_templates`); with a model, one structured call over the
  facts as data, whose baselines are then overridden by the known values.
- critique: `okr.quality` on every draft; revise and re-critique until all
  pass or `MAX_ROUNDS` rounds are spent (the first revision may use the
  model; later ones are by rules). The common case is at most three model
  calls: extraction, draft, one revision.
- approve: a LangGraph `interrupt()` with the drafts and their critique;
  resume with `Command(resume={"decisions": [{"action": "accept"|"edit"|
  "reject", "objective": {...}}, ...], "publish": bool})`, or
  `{"accept_all": true}`, or "accept"/"reject".
- write: accepted drafts become objectives of the cycle (created if new),
  `draft` or (when publishing and the critic passes them) `published`,
  aligned to their parent.

Stream with `stream_mode="updates"`: one event per node, then
`__interrupt__` when it waits for approval.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, date, datetime
from typing import Any, Literal, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError

from agents.draft_request import (
    CycleRef,
    DraftRequest,
    Inputs,
    RequestExtraction,
    next_quarter,
    parse_cycle,
    understand,
)
from agents.draft_templates import (
    DraftKR,
    DraftObjective,
    Facts,
    MetricFact,
    ParentFact,
    PastFact,
    compose_offline,
    critique_draft,
    draft_from_document,
    kr_from_fact,
    kr_text,
    metric_fact,
    revise_offline,
)
from agents.llm import LLMOutputError
from agents.prompts import render
from agents.registry import CompiledGraph, register
from agents.runtime import AgentContext, BoundModel, context_of
from okr.errors import OKRError, ValidationError
from okr.models import (
    AlignmentLink,
    Cycle,
    CycleKind,
    Direction,
    KeyResult,
    KRKind,
    Level,
    Objective,
    ObjectiveState,
    OrgSnapshot,
)
from okr.quantities import parse_kr
from okr.store import Store
from tools.okr_reads import (
    ParentOKR,
    PastKR,
    closing_notes,
    company_objectives,
    find_parent,
    metric_label,
    past_objectives,
    team_metrics,
    team_objective_count,
)

__all__ = [
    "MAX_ROUNDS",
    "DraftState",
    "LLMDraftSet",
    "LLMKeyResult",
    "LLMObjective",
    "apply_decisions",
    "build",
    "from_model",
    "write_drafts",
]

log = logging.getLogger(__name__)

#: Critique rounds before the drafts go to approval whatever the verdict.
MAX_ROUNDS = 3


class LLMKeyResult(BaseModel):
    """A key result as the model proposes it; numbers are checked against the facts."""

    metric_id: str | None = Field(description="Id of the metric fact used (m1, m2, ...), "
                                              "or null for a metric with no data.")
    metric: str = Field(description="What is measured, without numbers.")
    baseline: float | None = Field(description="The fact's current value, or null.")
    target: float | None = Field(description="The value to reach by the end of the cycle.")
    direction: Literal["increase", "decrease"]
    unit: str = Field(description="Unit such as %, $M, days; empty when none.")


class LLMObjective(BaseModel):
    title: str = Field(description="A qualitative outcome, no numbers.")
    rationale: str = Field(description="One sentence: why this objective, from the facts.")
    key_results: list[LLMKeyResult]


class LLMDraftSet(BaseModel):
    """What the model returns when drafting or revising."""

    objectives: list[LLMObjective]


class DraftState(TypedDict, total=False):
    """The graph's checkpointed state (plain JSON values)."""

    request: str
    team: str | None
    cycle: str | None
    parent: str | None
    document: str | None
    publish: bool
    today: str
    actor: str
    understood: dict[str, Any]
    question: str
    facts: dict[str, Any]
    drafts: list[dict[str, Any]]
    round: int
    engine: str
    decisions: list[dict[str, Any]]
    written: list[str]
    status: Literal["clarify", "drafted", "awaiting", "written", "rejected"]


def _store(ctx: AgentContext) -> Store:
    if not isinstance(ctx.store, Store):
        raise OKRError("the drafter needs the OKR store in its context (ctx.store)")
    return ctx.store


def _today(state: DraftState) -> date:
    raw = state.get("today")
    return date.fromisoformat(raw) if raw else datetime.now(UTC).date()


def _facts_json(facts: Facts) -> str:
    return facts.model_dump_json(indent=1, exclude_none=True)


# ------------------------------------------------------------------ understand


def understand_node(state: DraftState, runtime: Runtime[AgentContext]) -> DraftState:
    ctx = context_of(runtime)
    store = _store(ctx)
    org = ctx.org_id
    today = _today(state)
    teams = store.list_teams(org)
    cycles = store.list_cycles(org)
    current = store.current_cycle(org, today)
    inputs = Inputs(teams=teams, cycles=cycles, current=current, today=today,
                    org_name=store.get_organisation(org).name,
                    parents=company_objectives(store, org, None, today))
    request = state.get("request", "")
    if state.get("document") is not None:
        req = _understand_document(state, inputs)
    else:
        extraction, _ = ctx.language(
            "understand",
            llm=lambda model: model.structured(
                RequestExtraction,
                system=render("drafter", "understand_system",
                              teams=", ".join(t.name for t in teams),
                              cycles=", ".join(c.name for c in cycles)),
                user=render("drafter", "understand_user", request=request)),
            offline=lambda: None)
        req = understand(request, inputs, team=state.get("team"), cycle=state.get("cycle"),
                         parent=state.get("parent"), extraction=extraction)
    if req.parent_requested and req.parent_id is None and state.get("parent"):
        try:
            found = find_parent(store, org, str(state.get("parent")))
            req.parent_id, req.parent_title = found.id, found.title
        except OKRError:
            pass
    update: DraftState = {"understood": req.model_dump(mode="json"), "engine": ctx.engine}
    if req.clarification:
        update.update({"question": req.clarification, "status": "clarify"})
    return update


def _understand_document(state: DraftState, inputs: Inputs) -> DraftRequest:
    roots = [t for t in inputs.teams if t.parent_id is None]
    req = DraftRequest(request=state.get("request") or "draft from a strategy document",
                       level="company")
    if not roots:
        req.clarification = "This organisation has no company-level team to draft for."
        return req
    req.team_id, req.team_name, req.team_function = roots[0].id, roots[0].name, roots[0].function
    ref: CycleRef | None = None
    if state.get("cycle"):
        ref = parse_cycle(str(state.get("cycle")), inputs.cycles, inputs.current, inputs.today)
        if ref is None:
            req.clarification = (f"Which cycle is {state.get('cycle')!r}? Name it like "
                                 "'2027-Q1' or 'next quarter'.")
            return req
    else:
        ref = next_quarter(inputs.current, inputs.today, inputs.cycles)
        req.assumptions.append(f"no cycle named: drafting for the next quarter, {ref.name}")
    req.cycle = ref
    return req


def _route_understood(state: DraftState) -> str:
    return END if state.get("status") == "clarify" else "gather"


# ------------------------------------------------------------------ gather


def _history(metric_key_: str, past: list[PastKR]) -> list[PastKR]:
    return [p for p in past if p.key == metric_key_]


def gather_node(state: DraftState, runtime: Runtime[AgentContext]) -> DraftState:
    ctx = context_of(runtime)
    store = _store(ctx)
    org = ctx.org_id
    req = DraftRequest.model_validate(state["understood"])
    team_id = str(req.team_id)
    today = _today(state)
    readings = team_metrics(store, org, team_id, today)
    past = past_objectives(store, org, team_id)
    past_krs = [k for o in past for k in o.key_results]
    metrics = [metric_fact(i, r, _history(r.key, past_krs))
               for i, r in enumerate(readings, start=1)]
    company = company_objectives(store, org, None, today)
    parent: ParentFact | None = None
    if req.parent_id:
        match = next((p for p in company if req.parent_id in
                      (p.id, *(k.id for k in p.key_results))), None)
        if match is None:
            try:
                match = find_parent(store, org, req.parent_id)
            except OKRError:
                match = None
        parent = _parent_fact(match) if match is not None else None
    notes = [f"{n.metric} ({n.cycle}, scored {n.score:.2f}): {n.text}"
             for n in closing_notes(store, org, team_id)]
    cycle = req.cycle
    existing = team_objective_count(store, org, team_id, cycle.id) if cycle and cycle.id else 0
    facts = Facts(
        metrics=metrics, parent=parent,
        company=[_parent_fact(p) for p in company if req.level != "company"],
        past=[PastFact(title=o.title, cycle=o.cycle, score=round(o.score, 2),
                       key_results=[f"{k.metric}: {k.baseline} -> {k.final} "
                                    f"(target {k.target}, score {k.score:.2f})"
                                    for k in o.key_results]) for o in past],
        notes=notes, memory=_remembered(ctx, req), existing_objectives=existing)
    return {"facts": facts.model_dump(mode="json")}


def _parent_fact(p: ParentOKR) -> ParentFact:
    return ParentFact(id=p.id, title=p.title, cycle=p.cycle,
                      key_results=[f"{k.id}: {k.text}" for k in p.key_results])


def _remembered(ctx: AgentContext, req: DraftRequest) -> list[str]:
    """Similar past OKRs and lessons from the vector memory, when the run has one."""
    memory = ctx.memory
    if memory is None or not req.team_name:
        return []
    topic = " ".join(x for x in (req.focus, req.parent_title, req.team_name) if x)
    try:
        hits = list(memory.similar_okrs(topic, team=req.team_name, k=3))
        hits += list(memory.lessons_for(req.team_name, topic, k=3))
    except Exception as exc:  # memory is an enrichment: drafting goes on without it
        log.warning("drafter: memory unavailable (%s); drafting from the store only",
                    exc.__class__.__name__)
        return []
    seen: set[str] = set()
    out: list[str] = []
    for h in hits:
        if h.key in seen:
            continue
        seen.add(h.key)
        out.append(h.text[:600])
    return out


# ------------------------------------------------------------------ draft


def _better(direction: str, baseline: float, target: float) -> bool:
    return target > baseline if direction == Direction.INCREASE.value else target < baseline


def _normalise_kr(k: LLMKeyResult, facts: Facts) -> DraftKR:
    fact: MetricFact | None = facts.by_id(k.metric_id) or facts.by_metric(k.metric)
    if fact is not None and fact.current is not None:
        target = k.target if k.target is not None and _better(
            fact.direction, fact.current, k.target) else None
        kr = kr_from_fact(fact, target)
        if target is not None:
            kr.target_note = f"target proposed by the model (history suggests {fact.target})"
        return kr
    metric = k.metric.strip() or "Unnamed metric"
    return DraftKR(text=kr_text(metric, None, k.target, k.unit), metric=metric, baseline=None,
                   target=k.target, unit=k.unit, direction=k.direction)


def from_model(draft_set: LLMDraftSet, facts: Facts, *, parent_id: str | None,
               count: int | None) -> list[DraftObjective]:
    """The model's drafts with every known metric's baseline (and unit, direction) from data.

    A key result naming a metric fact (by id, or by the same metric name)
    takes the fact's current value as its baseline whatever the model wrote,
    and keeps the model's target only when it is an improvement on it; a
    metric with no data gets no baseline ("baseline unknown: measure first").
    The text is rebuilt from those numbers.
    """
    out: list[DraftObjective] = []
    for o in draft_set.objectives[:count or 5]:
        krs = [_normalise_kr(k, facts) for k in o.key_results[:5]]
        parent = parent_id
        if parent is None:
            for k in krs:
                fact = facts.by_id(k.fact_id)
                if fact is not None and fact.parents:
                    parent = fact.parents[0]
                    break
        out.append(DraftObjective(title=o.title.strip(), key_results=krs, parent_id=parent,
                                  rationale=o.rationale))
    return out


def _count_phrase(req: DraftRequest) -> str:
    if req.count:
        return f"exactly {req.count} objective{'s' if req.count > 1 else ''}"
    return "1 to 3 objectives"


def draft_node(state: DraftState, runtime: Runtime[AgentContext]) -> DraftState:
    ctx = context_of(runtime)
    req = DraftRequest.model_validate(state["understood"])
    facts = Facts.model_validate(state["facts"])
    document = state.get("document")
    cycle_name = req.cycle.name if req.cycle else ""
    team = req.team_name or ""

    def offline() -> list[DraftObjective]:
        if document is not None:
            return draft_from_document(document, facts, req.count)
        return compose_offline(facts, count=req.count, parent_id=req.parent_id,
                               focus=req.focus)

    def llm(model: BoundModel) -> list[DraftObjective]:
        system = render("drafter", "draft_system", team=team, cycle=cycle_name,
                        count=_count_phrase(req))
        user = (render("drafter", "draft_doc_user", document=document,
                       facts=_facts_json(facts)) if document is not None else
                render("drafter", "draft_user", request=req.request, facts=_facts_json(facts)))
        answer = model.structured(LLMDraftSet, system=system, user=user)
        return from_model(answer, facts, parent_id=req.parent_id, count=req.count)

    if document is None and not any(m.current is not None for m in facts.metrics):
        return {"drafts": [], "status": "clarify", "engine": ctx.engine,
                "question": f"{team} has no tracked metrics with check-ins to draft from. "
                            "Which team's metrics should these OKRs build on?"}
    drafts, _ = ctx.language("draft", llm=llm, offline=offline)
    if not drafts:
        drafts = offline()
    if not drafts:
        return {"drafts": [], "status": "clarify", "engine": ctx.engine,
                "question": "No goals with numbers were found to draft from. Which outcomes "
                            "and metrics should the objectives cover?"}
    return {"drafts": [d.model_dump(mode="json") for d in drafts], "round": 0,
            "engine": ctx.engine, "status": "drafted"}


def _route_drafted(state: DraftState) -> str:
    return END if state.get("status") == "clarify" else "critique"


# ------------------------------------------------------------------ critique and revise


def _critiqued(drafts: list[DraftObjective], req: DraftRequest,
               facts: Facts) -> list[DraftObjective]:
    total = facts.existing_objectives + len(drafts)
    return [d.model_copy(update={"critique": critique_draft(
        d, i, req.team_name or "", req.team_function, req.cycle.name if req.cycle else "",
        total)}) for i, d in enumerate(drafts)]


def critique_node(state: DraftState) -> DraftState:
    req = DraftRequest.model_validate(state["understood"])
    facts = Facts.model_validate(state["facts"])
    drafts = [DraftObjective.model_validate(d) for d in state.get("drafts", [])]
    return {"drafts": [d.model_dump(mode="json") for d in _critiqued(drafts, req, facts)],
            "round": state.get("round", 0) + 1}


def _route_critiqued(state: DraftState) -> str:
    drafts = [DraftObjective.model_validate(d) for d in state.get("drafts", [])]
    if all(d.publishable for d in drafts) or state.get("round", 0) >= MAX_ROUNDS:
        return "approve"
    return "revise"


def _finding_lines(draft: DraftObjective) -> list[str]:
    findings = draft.critique.findings if draft.critique is not None else []
    return [f"{f.code.value} ({f.target}): {f.message} Fix: {f.suggestion}" for f in findings]


def revise_node(state: DraftState, runtime: Runtime[AgentContext]) -> DraftState:
    ctx = context_of(runtime)
    req = DraftRequest.model_validate(state["understood"])
    facts = Facts.model_validate(state["facts"])
    drafts = [DraftObjective.model_validate(d) for d in state.get("drafts", [])]
    failing = [i for i, d in enumerate(drafts) if not d.publishable]
    used = {k.fact_id for d in drafts for k in d.key_results if k.fact_id}

    def offline() -> list[DraftObjective]:
        return [revise_offline(drafts[i], facts, used) for i in failing]

    def llm(model: BoundModel) -> list[DraftObjective]:
        blocked = [{"index": n, "title": drafts[i].title,
                    "key_results": [k.text for k in drafts[i].key_results],
                    "findings": _finding_lines(drafts[i])}
                   for n, i in enumerate(failing)]
        answer = model.structured(
            LLMDraftSet,
            system=render("drafter", "revise_system", team=req.team_name or "",
                          cycle=req.cycle.name if req.cycle else ""),
            user=render("drafter", "revise_user", drafts=json.dumps(blocked, indent=1),
                        facts=_facts_json(facts)))
        revised = from_model(answer, facts, parent_id=req.parent_id, count=len(failing))
        if len(revised) != len(failing):
            raise LLMOutputError("the revision did not return one objective per draft",
                                 [f"expected {len(failing)}, got {len(revised)}"])
        return [r.model_copy(update={"parent_id": r.parent_id or drafts[i].parent_id})
                for r, i in zip(revised, failing, strict=True)]

    if state.get("round", 0) <= 1:
        revised, _ = ctx.language("revise", llm=llm, offline=offline)
    else:
        revised = offline()
    for i, r in zip(failing, revised, strict=True):
        drafts[i] = r
    return {"drafts": [d.model_dump(mode="json") for d in drafts], "engine": ctx.engine}


# ------------------------------------------------------------------ approve and write


def approve_node(state: DraftState) -> DraftState:
    req = DraftRequest.model_validate(state["understood"])
    decision: Any = interrupt({
        "question": "Accept, edit or reject each draft objective.",
        "team": req.team_name, "cycle": req.cycle.name if req.cycle else None,
        "parent": req.parent_title, "drafts": state.get("drafts", []),
    })
    return {"decisions": _decisions(decision, len(state.get("drafts", []))),
            "publish": _publish_flag(decision, state.get("publish", False))}


def _publish_flag(decision: Any, default: bool) -> bool:
    if isinstance(decision, dict) and "publish" in decision:
        return bool(decision["publish"])
    return default


def _decisions(decision: Any, n: int) -> list[dict[str, Any]]:
    """Per-draft decisions from any of the accepted resume shapes."""
    if isinstance(decision, str):
        action = "accept" if decision.lower() in ("accept", "yes", "y") else "reject"
        return [{"action": action}] * n
    if isinstance(decision, bool):
        return [{"action": "accept" if decision else "reject"}] * n
    if isinstance(decision, dict):
        if decision.get("accept_all"):
            return [{"action": "accept"}] * n
        raw = decision.get("decisions")
        if isinstance(raw, list):
            out = [d if isinstance(d, dict) else {"action": str(d)} for d in raw[:n]]
            return out + [{"action": "reject"}] * (n - len(out))
    return [{"action": "reject"}] * n


def _edited(raw: Any, draft: DraftObjective) -> DraftObjective:
    if not isinstance(raw, dict):
        raise ValidationError("an edit needs the edited objective as an object")
    merged = {**draft.model_dump(mode="json"), **raw, "critique": None}
    krs = []
    for k in merged.get("key_results", []):
        if isinstance(k, dict) and "metric" not in k and isinstance(k.get("text"), str):
            parsed = parse_kr(k["text"])
            k = {"metric": metric_label(k["text"]),
                 "baseline": parsed.baseline.value if parsed.baseline else None,
                 "target": parsed.target.value if parsed.target else None,
                 "baseline_note": "baseline as edited", **k}
        krs.append(k)
    merged["key_results"] = krs
    try:
        return DraftObjective.model_validate(merged)
    except PydanticValidationError as exc:
        raise ValidationError(f"the edited objective is not valid: {exc.errors()[0]['msg']}") \
            from None


def apply_decisions(drafts: list[DraftObjective], decisions: list[dict[str, Any]],
                    req: DraftRequest, facts: Facts) -> list[DraftObjective]:
    """The drafts a person accepted (edits applied and critiqued again), in order."""
    kept: list[DraftObjective] = []
    for draft, d in zip(drafts, decisions, strict=False):
        action = str(d.get("action", "reject")).lower()
        if action == "accept":
            kept.append(draft)
        elif action == "edit":
            kept.append(_edited(d.get("objective"), draft))
    return _critiqued(kept, req, facts) if kept else []


def write_drafts(store: Store, org_id: str, req: DraftRequest, drafts: list[DraftObjective],
                 *, publish: bool, actor: str) -> list[str]:
    """Write accepted drafts to the store in one transaction; return the new objective ids.

    The cycle is created when it does not exist yet. An objective is
    `published` only when publishing was asked for and the critic passes it,
    else `draft`; each is aligned to its parent when the parent exists.
    """
    if not drafts or req.cycle is None or req.team_id is None:
        return []
    cycles = {c.name: c for c in store.list_cycles(org_id)}
    new_cycles: tuple[Cycle, ...] = ()
    existing = cycles.get(req.cycle.name)
    if existing is not None:
        cycle_id = existing.id
    else:
        cycle_id = req.cycle.write_id
        new_cycles = (Cycle(cycle_id, org_id, req.cycle.name, req.cycle.start, req.cycle.end,
                            CycleKind.QUARTER),)
    run = uuid.uuid4().hex[:8]
    objectives: list[Objective] = []
    links: list[AlignmentLink] = []
    for n, d in enumerate(drafts, start=1):
        oid = f"o-draft-{run}-{n}"
        krs = tuple(KeyResult(
            id=f"kr-draft-{run}-{n}-{m}", org_id=org_id, objective_id=oid, text=k.text,
            kind=KRKind(k.kind), direction=Direction(k.direction), baseline=k.baseline,
            target=k.target, unit=k.unit) for m, k in enumerate(d.key_results, start=1))
        state = ObjectiveState.PUBLISHED if publish and d.publishable else ObjectiveState.DRAFT
        objectives.append(Objective(
            id=oid, org_id=org_id, cycle_id=cycle_id, title=d.title, team_id=req.team_id,
            level=Level.COMPANY if req.level == "company" else Level.TEAM, state=state,
            key_results=krs))
        if d.parent_id:
            try:
                store.find(org_id, d.parent_id)
            except OKRError:
                continue
            links.append(AlignmentLink(org_id, oid, d.parent_id))
    org = store.get_organisation(org_id)
    store.save_snapshot(OrgSnapshot(organisation=org, cycles=new_cycles,
                                    objectives=tuple(objectives), alignments=tuple(links)),
                        actor=actor)
    return [o.id for o in objectives]


def write_node(state: DraftState, runtime: Runtime[AgentContext]) -> DraftState:
    ctx = context_of(runtime)
    req = DraftRequest.model_validate(state["understood"])
    facts = Facts.model_validate(state["facts"])
    drafts = [DraftObjective.model_validate(d) for d in state.get("drafts", [])]
    accepted = apply_decisions(drafts, state.get("decisions", []), req, facts)
    written = write_drafts(_store(ctx), ctx.org_id, req, accepted,
                           publish=state.get("publish", False),
                           actor=state.get("actor") or "drafter")
    return {"written": written, "status": "written" if written else "rejected"}


@register("drafter", "Drafts OKRs from a plain-language request or a strategy document, "
          "checks them with the critic, and writes the approved ones.")
def build(checkpointer: BaseCheckpointSaver[Any] | None = None) -> CompiledGraph:
    """The compiled drafter graph."""
    graph = StateGraph(DraftState, context_schema=AgentContext)
    graph.add_node("understand", understand_node)
    graph.add_node("gather", gather_node)
    graph.add_node("draft", draft_node)
    graph.add_node("critique", critique_node)
    graph.add_node("revise", revise_node)
    graph.add_node("approve", approve_node)
    graph.add_node("write", write_node)
    graph.add_edge(START, "understand")
    graph.add_conditional_edges("understand", _route_understood, ["gather", END])
    graph.add_edge("gather", "draft")
    graph.add_conditional_edges("draft", _route_drafted, ["critique", END])
    graph.add_conditional_edges("critique", _route_critiqued, ["revise", "approve"])
    graph.add_edge("revise", "critique")
    graph.add_edge("approve", "write")
    graph.add_edge("write", END)
    return graph.compile(checkpointer=checkpointer)
