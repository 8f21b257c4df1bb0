"""The critic agent: the quality rules, then a model's second opinion and rewrites, validated.

Graph "critic": `rules` -> `review` -> `finish`.

- `rules` runs `okr.quality.critique`: every finding is decided there first,
  the same way with or without a model.
- `review` (a language step through `ctx.language`) asks the model, with the
  OKR and the findings as delimited data, to confirm the BORDERLINE findings
  (judgement calls the rules can get wrong: `BORDERLINE`) and to rewrite each
  flagged objective or key result. Deterministic findings (too few or too
  many key results, too many objectives, no metric, a missing baseline or
  target) are never sent for confirmation: they are facts about the text.
- `finish` drops a borderline finding only when the model explicitly rejects
  it (a dropped output or reach finding falls back to the number checks the
  rules skipped, so a key result with no baseline still needs one), and
  VALIDATES every model rewrite against the rules again: a rewrite is shown
  only if it no longer triggers its finding, is a measurable outcome the team
  can move, and uses no number that is not in the OKR (the model never
  invents a number). Anything else gets the offline template
  (`agents.rewrites`). Offline, every rewrite is a template.

Every result names its engine: "llm" when the model's review was used,
"offline" otherwise; each rewrite names its own. `critique_with_agent` runs
the same graph for faces that do not manage graphs themselves.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any, TypedDict

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from pydantic import BaseModel, Field

from agents.prompts import render
from agents.registry import CompiledGraph, register
from agents.rewrites import kr_line, template_rewrite
from agents.runtime import AgentContext, Engine, context_of
from okr.quality import (
    SEVERITY,
    Critique,
    CritiqueContext,
    Finding,
    FindingCode,
    KRInput,
    OKRInput,
    Severity,
    assess_kr,
    critique,
    is_objective_task,
    is_objective_vague,
    score_findings,
)

__all__ = [
    "BORDERLINE",
    "AgentCritique",
    "CriticReview",
    "Dismissal",
    "ModelRewrite",
    "ModelVerdict",
    "Rewrite",
    "apply_review",
    "build",
    "critique_with_agent",
    "rewrite_is_valid",
]

#: Findings that are judgement calls on wording and context; only these go to the
#: model for confirmation, and only these can be dropped by it.
BORDERLINE: frozenset[FindingCode] = frozenset({
    FindingCode.OBJECTIVE_VAGUE,
    FindingCode.OBJECTIVE_IS_TASK,
    FindingCode.KR_OUTPUT,
    FindingCode.KR_NOT_INFLUENCEABLE,
})

#: A key result rewrite with any of these is not an outcome the team can measure and move.
_UNFIT_KR = frozenset({FindingCode.KR_OUTPUT, FindingCode.KR_NOT_MEASURABLE,
                       FindingCode.KR_NOT_INFLUENCEABLE})
_MAX_REWRITE = 240
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


# ---------------------------------------------------------------- what the model answers


class ModelVerdict(BaseModel):
    """The model's view on one borderline finding."""

    code: str
    target: str
    confirmed: bool
    reason: str


class ModelRewrite(BaseModel):
    """The model's rewrite of the line one finding is about."""

    code: str
    target: str
    text: str


class CriticReview(BaseModel):
    """The whole answer of the `review` step."""

    verdicts: list[ModelVerdict] = Field(default_factory=list)
    rewrites: list[ModelRewrite] = Field(default_factory=list)


# ---------------------------------------------------------------- what the agent returns


class Rewrite(BaseModel):
    """A suggested next version of the line a finding is about, and what is left to fill in."""

    code: FindingCode
    target: str
    text: str
    note: str
    engine: Engine


class Dismissal(BaseModel):
    """A borderline finding the model rejected, kept for the record with its reason."""

    finding: Finding
    reason: str


class AgentCritique(BaseModel):
    """The critic's verdict: the critique (file-contract shape), rewrites, dismissals, engine."""

    critique: Critique
    rewrites: list[Rewrite]
    dismissed: list[Dismissal] = Field(default_factory=list)
    engine: Engine

    def rewrite_for(self, finding: Finding) -> Rewrite | None:
        """The rewrite shown with `finding`, if any."""
        return next((r for r in self.rewrites
                     if r.code == finding.code and r.target == finding.target), None)


# ---------------------------------------------------------------- validation


def _numbers(text: str) -> set[str]:
    return {f"{float(n):g}" for n in _NUMBER.findall(text.replace(",", ""))}


def _source_numbers(finding: Finding, okr: OKRInput) -> set[str]:
    if finding.target.startswith("kr:"):
        kr = okr.key_results[int(finding.target[3:])]
        known = {f"{v:g}" for v in (kr.baseline, kr.target) if v is not None}
        return _numbers(kr.text) | known
    return _numbers(okr.objective)


def rewrite_is_valid(finding: Finding, text: str, okr: OKRInput) -> bool:
    """Whether a model's rewrite of `finding`'s line may be shown.

    It must be a single short line, use only numbers written in the OKR, and
    pass the rules again: an objective neither vague nor a task; a key result
    that no longer triggers the finding's code and is a measurable outcome
    the team can move (a `?` for a number still to be filled in is allowed,
    as in the templates).
    """
    line = text.strip()
    if not line or "\n" in line or len(line) > _MAX_REWRITE:
        return False
    if not _numbers(line) <= _source_numbers(finding, okr):
        return False
    if finding.target == "objective":
        return not (is_objective_vague(line) or is_objective_task(line))
    if not finding.target.startswith("kr:"):
        return False
    team = okr.team
    codes = set(assess_kr(KRInput(text=line), team.function if team else None,
                          team.name if team else None).codes)
    return finding.code not in codes and not codes & _UNFIT_KR


# ---------------------------------------------------------------- applying the review


def _follow_up(finding: Finding, okr: OKRInput) -> Finding | None:
    """The number check the rules skipped because `finding` stood alone on its key result."""
    kr = okr.key_results[int(finding.target[3:])]
    team = okr.team
    verdict = assess_kr(kr, team.function if team else None, team.name if team else None)
    metric, base, target = kr_line(verdict, kr.text)
    if verdict.target is None and verdict.parsed.relative_change is None:
        code = FindingCode.KR_MISSING_TARGET
        message = f'"{kr.text}" names no value to reach by the end of the cycle.'
        suggestion = f"{metric} from {base} to ?: add the value you aim to reach."
    elif verdict.baseline is None:
        code = FindingCode.KR_MISSING_BASELINE
        message = f'"{kr.text}" has a target but no starting value, so progress cannot be scored.'
        suggestion = f"{metric} from ? to {target}: add the current value."
    else:
        return None
    return Finding(code=code, target=finding.target, severity=SEVERITY[code],
                   message=message, suggestion=suggestion)


def apply_review(okr: OKRInput, rules: Critique, review: CriticReview | None) -> AgentCritique:
    """Combine the rules' critique with the model's review (None: offline) into the result."""
    verdicts = {(v.code, v.target): v for v in (review.verdicts if review else [])}
    model_rewrites = {(r.code, r.target): r.text for r in (review.rewrites if review else [])}
    kept: list[Finding] = []
    dismissed: list[Dismissal] = []
    for f in rules.findings:
        verdict = verdicts.get((f.code.value, f.target))
        if f.code in BORDERLINE and verdict is not None and not verdict.confirmed:
            dismissed.append(Dismissal(finding=f, reason=verdict.reason.strip()))
            follow = _follow_up(f, okr) if f.target.startswith("kr:") else None
            if follow is not None:
                kept.append(follow)
        else:
            kept.append(f)
    rewrites: list[Rewrite] = []
    for f in kept:
        proposed = model_rewrites.get((f.code.value, f.target))
        if proposed is not None and rewrite_is_valid(f, proposed, okr):
            rewrites.append(Rewrite(code=f.code, target=f.target, text=proposed.strip(),
                                    note="", engine="llm"))
        else:
            t = template_rewrite(f, okr)
            rewrites.append(Rewrite(code=f.code, target=f.target, text=t.text, note=t.note,
                                    engine="offline"))
    final = Critique(id=rules.id, score=score_findings(kept),
                     publishable=not any(f.severity is Severity.ERROR for f in kept),
                     findings=kept)
    return AgentCritique(critique=final, rewrites=rewrites, dismissed=dismissed,
                         engine="llm" if review is not None else "offline")


# ---------------------------------------------------------------- the graph


class CriticState(TypedDict, total=False):
    """The graph's state (plain JSON values, so any checkpointer can keep it)."""

    okr: dict[str, Any]
    team_objectives: int | None
    rules: dict[str, Any]
    review: dict[str, Any] | None
    engine: Engine
    result: dict[str, Any]


def _okr_text(okr: OKRInput) -> str:
    lines = [f"objective: {okr.objective}"]
    if okr.team is not None:
        lines.append(f"team: {okr.team.name}"
                     + (f" (function: {okr.team.function})" if okr.team.function else ""))
    if okr.cycle:
        lines.append(f"cycle: {okr.cycle}")
    for i, kr in enumerate(okr.key_results):
        fields = {k: v for k, v in kr.model_dump(exclude={"text"}).items() if v is not None}
        extra = f"  {json.dumps(fields)}" if fields else ""
        lines.append(f"kr:{i}: {kr.text}{extra}")
    return "\n".join(lines)


def _findings_text(findings: list[Finding]) -> str:
    return "\n".join(f"- {f.code.value} @ {f.target} ({f.severity.value}): {f.message}"
                     for f in findings)


def rules(state: CriticState) -> CriticState:
    okr = OKRInput.model_validate(state["okr"])
    count = state.get("team_objectives")
    result = critique(okr, CritiqueContext(team_objectives=count))
    return {"rules": result.model_dump(mode="json")}


def review(state: CriticState, runtime: Runtime[AgentContext]) -> CriticState:
    okr = OKRInput.model_validate(state["okr"])
    found = Critique.model_validate(state["rules"]).findings
    if not found:
        return {"review": None, "engine": "offline"}
    ctx = context_of(runtime)
    borderline = sorted({f"{f.code.value} @ {f.target}" for f in found if f.code in BORDERLINE})
    answer, engine = ctx.language(
        "review",
        llm=lambda model: model.structured(
            CriticReview,
            system=render("critic", "system"),
            user=render("critic", "user", borderline=", ".join(borderline) or "none",
                        okr=_okr_text(okr), findings=_findings_text(found)),
        ).model_dump(mode="json"),
        offline=lambda: None,
    )
    return {"review": answer, "engine": engine}


def finish(state: CriticState) -> CriticState:
    okr = OKRInput.model_validate(state["okr"])
    raw = state.get("review")
    result = apply_review(okr, Critique.model_validate(state["rules"]),
                          CriticReview.model_validate(raw) if raw is not None else None)
    return {"result": result.model_dump(mode="json"), "engine": result.engine}


@register("critic", "Checks an OKR against the quality rules, with validated rewrites.")
def build(checkpointer: BaseCheckpointSaver[Any] | None = None) -> CompiledGraph:
    """The compiled critic graph."""
    graph = StateGraph(CriticState, context_schema=AgentContext)
    graph.add_node("rules", rules)
    graph.add_node("review", review)
    graph.add_node("finish", finish)
    graph.add_edge(START, "rules")
    graph.add_edge("rules", "review")
    graph.add_edge("review", "finish")
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer)


@cache
def _compiled() -> CompiledGraph:
    return build(None)


def critique_with_agent(ctx: AgentContext, okr: OKRInput,
                        context: CritiqueContext | None = None) -> AgentCritique:
    """Run the critic graph on one OKR (model if `ctx` has one, else offline)."""
    state: CriticState = {"okr": okr.model_dump(mode="json"),
                          "team_objectives": context.team_objectives if context else None}
    final = _compiled().invoke(state, context=ctx)
    return AgentCritique.model_validate(final["result"])
