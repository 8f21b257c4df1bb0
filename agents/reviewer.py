"""The review writer: weekly pulse, mid-cycle review, quarterly business review, retrospective.

The graph "reviewer" runs four steps:

1. `gather` computes the facts (`okr.review_facts.build_facts`) from the
   snapshot in the state or, without one, from `ctx.store`;
2. `recall` adds what the memory knows, when `ctx.memory` is given: final
   scores of similar objectives in earlier cycles and, for retrospectives,
   lessons and closing notes; without a memory the store's past cycles
   (already in the facts) are all there is;
3. `write` writes each section (`agents.review_templates.plan`). With a
   model, the model writes it from the section's facts and notes, passed as
   data; the faithfulness check (`agents.faithfulness`) then reads every
   number. A draft with a number that is not a fact gets one regeneration
   that names the offending numbers; if that fails too the section falls
   back to its offline template. Offline, templates write every section.
   Each section records its engine ("llm" or "offline");
4. `remember` writes the review back into the memory when one is given: a
   retrospective as one document per objective (filed under its team), any
   other review as one document.

`write_review(ctx, kind, ...)` runs the graph and returns the `Review`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime

from agents.faithfulness import check
from agents.llm import LLMOutputError
from agents.prompts import render
from agents.registry import CompiledGraph, register
from agents.review_templates import KIND_TITLES, KINDS, SectionPlan, plan
from agents.runtime import AgentContext, BoundModel, Engine, Fallback, context_of
from okr.errors import OKRError, ValidationError
from okr.models import OrgSnapshot
from okr.review_facts import Fact, PastOutcome, ReviewFacts, build_facts, number_tokens

__all__ = ["Review", "ReviewState", "Section", "build", "write_review"]

#: At most this many objectives are looked up in memory per review (keeps reviews fast).
MEMORY_LOOKUPS = 40


@dataclass(frozen=True)
class Section:
    """One written section: its text, which engine wrote it, and what the check found.

    `rejected` lists the numbers a model wrote that were not facts (before
    repair or fallback); `unsupported` those left in the final text, which
    is empty unless something is badly wrong (the eval counts them).
    """

    id: str
    title: str
    text: str
    engine: Engine
    fact_ids: tuple[str, ...]
    repaired: bool = False
    rejected: tuple[str, ...] = ()
    unsupported: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    """A written review: its kind, its facts and its sections."""

    kind: str
    facts: ReviewFacts
    sections: tuple[Section, ...]
    remembered: int = 0

    @property
    def title(self) -> str:
        return (f"{KIND_TITLES[self.kind]} — {self.facts.scope}, {self.facts.cycle.name}")

    @property
    def engine(self) -> Literal["llm", "offline", "mixed"]:
        engines = {s.engine for s in self.sections}
        if engines == {"llm"}:
            return "llm"
        return "offline" if engines <= {"offline"} else "mixed"

    def narrative(self) -> str:
        """All sections' text, as one string (what the faithfulness eval reads)."""
        return "\n\n".join(s.text for s in self.sections)


class ReviewState(TypedDict, total=False):
    kind: str
    cycle: str | None
    team: str | None
    as_of: date | None
    today: date | None
    snapshot: OrgSnapshot | None
    facts: ReviewFacts
    lessons: dict[str, list[tuple[str, str]]]
    review: Review


# ---- steps ------------------------------------------------------------------------


def gather(state: ReviewState, runtime: Runtime[AgentContext]) -> ReviewState:
    ctx = context_of(runtime)
    snapshot = state.get("snapshot")
    if snapshot is None:
        if ctx.store is None:
            raise ValidationError("the reviewer needs a snapshot or a store")
        snapshot = ctx.store.load_snapshot(ctx.org_id)
    facts = build_facts(snapshot, state.get("cycle"), as_of=state.get("as_of"),
                        team=state.get("team"), kind=state["kind"], today=state.get("today"))
    return {"facts": facts}


def _earlier(facts: ReviewFacts, cycle: str | None) -> bool:
    return cycle is not None and cycle in facts.earlier_cycles


def recall(state: ReviewState, runtime: Runtime[AgentContext]) -> ReviewState:
    ctx = context_of(runtime)
    facts = state["facts"]
    lessons: dict[str, list[tuple[str, str]]] = {}
    memory: Any = ctx.memory
    if memory is None:
        return {"lessons": lessons}
    outcomes: list[PastOutcome] = []
    try:
        for o in facts.objectives[:MEMORY_LOOKUPS]:
            for hit in memory.similar_okrs(o.title, team=o.team_id, k=3):
                if hit.okr_score is None or not _earlier(facts, hit.cycle):
                    continue
                past_id = str(hit.metadata.get("objective_id") or hit.key)
                title = str(hit.metadata.get("title") or hit.text.split("\n")[0])
                outcomes.append(PastOutcome(o.id, past_id, title, hit.cycle or "",
                                            hit.okr_score, (f"memory:{hit.key}",
                                                            *hit.source_ids)))
            if state["kind"] != "retro" or not o.team_id:
                continue
            for hit in memory.lessons_for(o.team_id, o.title, k=3):
                if not _earlier(facts, hit.cycle):
                    continue
                ref = f"memory:{hit.key}"
                facts.add(Fact(f"note:{ref}", "note", "numbers written in a remembered note",
                               hit.text, tuple(number_tokens(hit.text)),
                               (ref, *hit.source_ids)))
                lessons.setdefault(o.id, []).append((ref, hit.text))
    except OKRError as exc:
        ctx.fallbacks.append(Fallback("reviewer.recall", str(exc)))
    facts.add_past_outcomes(outcomes)
    return {"facts": facts, "lessons": lessons}


def _facts_block(facts: ReviewFacts, ids: tuple[str, ...]) -> str:
    lines = []
    for fid in ids:
        f = facts.facts.get(fid)
        if f is None or not f.display:
            continue
        if f.kind in ("text", "note"):
            continue
        lines.append(f"{f.id} | {f.label} | {' / '.join(f.display)}")
    return "\n".join(lines) or "(none)"


def _write_with_model(model: BoundModel, kind: str, p: SectionPlan, facts: ReviewFacts,
                      notes: list[tuple[str, str]], seen: list[str]) -> tuple[str, bool]:
    """The model's section, checked; one regeneration naming the bad numbers; else give up."""
    system = render("reviewer", "system", org=facts.org_name, kind=KIND_TITLES[kind].lower())
    user = render("reviewer", "section", title=p.title, brief=p.brief, cycle=facts.cycle.name,
                  as_of=facts.as_of.isoformat(), facts=_facts_block(facts, p.fact_ids),
                  notes="\n".join(f"{ref}: {text}" for ref, text in notes) or "(none)")
    draft = model.text(system=system, user=user, temperature=0.2).strip()
    verdict = check(draft, facts, p.fact_ids)
    missing = [m for m in p.must_mention if m not in draft]
    if verdict.ok and not missing:
        return draft, False
    seen.extend(verdict.unsupported)
    again = model.text(system=system, user=user + "\n\n" + render(
        "reviewer", "repair", numbers=", ".join(verdict.unsupported) or "none",
        missing=", ".join(missing) or "nothing", draft=draft), temperature=0.0).strip()
    second = check(again, facts, p.fact_ids)
    still_missing = [m for m in p.must_mention if m not in again]
    if second.ok and not still_missing:
        return again, True
    seen.extend(second.unsupported)
    raise LLMOutputError(f"section {p.id}: the narrative states numbers that are not facts "
                         "or leaves out what it must mention",
                         [f"not a fact: {n}" for n in dict.fromkeys(second.unsupported)]
                         + [f"not mentioned: {m}" for m in still_missing])


def _offline(p: SectionPlan) -> tuple[str, bool]:
    return p.offline, False


def write(state: ReviewState, runtime: Runtime[AgentContext]) -> ReviewState:
    ctx = context_of(runtime)
    kind, facts = state["kind"], state["facts"]
    lessons = state.get("lessons", {})
    sections: list[Section] = []
    for p in plan(kind, facts):
        notes = list(p.notes)
        if p.id.startswith("objective:"):
            notes += lessons.get(p.id.split(":", 1)[1], [])
        seen: list[str] = []
        (text, repaired), engine = ctx.language(
            f"section.{p.id}",
            llm=functools.partial(_write_with_model, kind=kind, p=p, facts=facts, notes=notes,
                                  seen=seen),
            offline=functools.partial(_offline, p),
        )
        sections.append(Section(p.id, p.title, text, engine, p.fact_ids, repaired,
                                tuple(dict.fromkeys(seen)),
                                check(text, facts, p.fact_ids).unsupported))
    return {"review": Review(kind, facts, tuple(sections))}


def remember(state: ReviewState, runtime: Runtime[AgentContext]) -> ReviewState:
    ctx = context_of(runtime)
    review = state["review"]
    memory: Any = ctx.memory
    if memory is None:
        return {}
    from memory.documents import DocKind, strategy_documents

    f = review.facts
    docs = []
    if review.kind == "retro":
        teams = {o.id: o.team_id for o in f.objectives}
        for s in review.sections:
            if not s.id.startswith("objective:"):
                continue
            oid = s.id.split(":", 1)[1]
            docs += strategy_documents(
                f"{f.cycle.id}:{oid}", f"Retrospective {f.cycle.name}: {s.title}", s.text,
                team=teams.get(oid), cycle=f.cycle.id, day=f.as_of, kind=DocKind.RETROSPECTIVE)
    else:
        body = "\n\n".join(f"{s.title}\n{s.text}" for s in review.sections)
        docs += strategy_documents(
            f"{review.kind}:{f.cycle.id}:{f.team_id or 'org'}:{f.as_of.isoformat()}",
            review.title, body, team=f.team_id, cycle=f.cycle.id, day=f.as_of,
            kind=DocKind.REVIEW)
    added = int(memory.add(docs))
    return {"review": Review(review.kind, review.facts, review.sections, added)}


@register("reviewer", "Writes weekly pulses, mid-cycle reviews, QBRs and retrospectives from "
                      "live data; every number is checked against the facts.")
def build(checkpointer: BaseCheckpointSaver[Any] | None = None) -> CompiledGraph:
    """The compiled reviewer graph: gather, recall, write, remember."""
    graph = StateGraph(ReviewState, context_schema=AgentContext)
    graph.add_node("gather", gather)
    graph.add_node("recall", recall)
    graph.add_node("write", write)
    graph.add_node("remember", remember)
    graph.add_edge(START, "gather")
    graph.add_edge("gather", "recall")
    graph.add_edge("recall", "write")
    graph.add_edge("write", "remember")
    graph.add_edge("remember", END)
    return graph.compile(checkpointer=checkpointer)


def write_review(ctx: AgentContext, kind: str, *, snapshot: OrgSnapshot | None = None,
                 cycle: str | None = None, team: str | None = None, as_of: date | None = None,
                 today: date | None = None) -> Review:
    """Write a review of `kind` ("pulse", "midcycle", "qbr", "retro") and return it.

    Reads `snapshot` when given, else the organisation in `ctx.store`.
    Unknown kinds, cycles or teams raise an `OKRError`.
    """
    if kind not in KINDS:
        raise ValidationError(f"unknown review kind {kind!r}; choose one of {', '.join(KINDS)}")
    if not ctx.agent:
        ctx.agent = "reviewer"
    state: ReviewState = {"kind": kind, "cycle": cycle, "team": team, "as_of": as_of,
                          "today": today, "snapshot": snapshot}
    out = build(None).invoke(state, context=ctx)
    review: Review = out["review"]
    return review
