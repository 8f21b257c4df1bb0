"""Offline rewrite templates: a concrete next version of each flagged line, built from the rules.

The critic shows every finding with a rewrite a person can paste and finish.
Without a model (or when the model's rewrite fails validation) the rewrite
comes from here: the metric, baseline, target and unit that `okr.quality`
parsed, written as "metric from baseline to target", with `?` wherever a
number is missing. A template never invents a number; it names what the
person has to add (the `note`). Objective rewrites cannot know the outcome a
team wants, so they keep the scope that was written and mark the missing part
in angle brackets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from okr.quality import (
    MAX_KRS,
    Finding,
    FindingCode,
    KRInput,
    KRVerdict,
    OKRInput,
    assess_kr,
    clean_metric,
)
from okr.quantities import Quantity, format_quantity

__all__ = ["TemplateRewrite", "kr_line", "template_rewrite"]

_TASK_LEAD = re.compile(r"^\s*(?:[a-z]+(?:[- ](?:up|out|live|to))?)\s+", re.I)


@dataclass(frozen=True)
class TemplateRewrite:
    """A rewrite's text (the new objective or key result line) and what is left to fill in."""

    text: str
    note: str


def _value(v: float | None, q: Quantity | None, unit: str | None) -> str:
    if v is None:
        return "?"
    if q is not None and q.value == v:
        return q.raw
    return format_quantity(v, unit)


def kr_line(verdict: KRVerdict, fallback: str) -> tuple[str, str, str]:
    """(metric, baseline, target) as shown in a "metric from X to Y" line, `?` where unknown."""
    metric = clean_metric(verdict.metric.strip() or fallback)
    base = _value(verdict.baseline, verdict.parsed.baseline, verdict.unit)
    target = _value(verdict.target, verdict.parsed.target, verdict.unit)
    if verdict.target is None and verdict.parsed.relative_change is not None:
        change = verdict.parsed.relative_change
        unit = verdict.parsed.relative_unit or ""
        sign = "+" if change > 0 else ""
        target = f"? ({sign}{change:g}{unit if unit in {'%', 'x'} else ' ' + unit})"
    return metric, base, target


def _in_sentence(metric: str) -> str:
    return metric if metric[:2].isupper() else metric[:1].lower() + metric[1:]


def _objective_rewrite(code: FindingCode, okr: OKRInput) -> TemplateRewrite:
    if code is FindingCode.OBJECTIVE_IS_TASK:
        subject = _TASK_LEAD.sub("", okr.objective, count=1).strip().rstrip(".") or "this work"
        return TemplateRewrite(
            f"<what improves, and for whom> thanks to {subject}",
            f"name the result '{okr.objective}' is for (ask 'so that what?'); keep the "
            "deliverable as a task")
    metrics = [clean_metric(assess_kr(kr).metric or kr.text) for kr in okr.key_results[:2]]
    scope = " and ".join(_in_sentence(m) for m in metrics if m) or "<the outcome>"
    return TemplateRewrite(
        f"<who benefits> get <what changes for them>, shown by {scope}",
        "say who benefits and what changes for them")


def template_rewrite(finding: Finding, okr: OKRInput) -> TemplateRewrite:
    """The offline rewrite for one finding of `okr`, from what the rules parsed."""
    code = finding.code
    if finding.target == "objective":
        return _objective_rewrite(code, okr)
    if finding.target == "set":
        if code is FindingCode.TOO_FEW_KRS:
            return TemplateRewrite("<metric> from ? to ?",
                                   "add a key result: a second measure of the same objective")
        return TemplateRewrite(f"keep {MAX_KRS} key results",
                               "track the others as health metrics")
    if finding.target == "team":
        return TemplateRewrite("merge or drop objectives",
                               "keep at most 5 objectives for the team in this cycle")
    index = int(finding.target.split(":", 1)[1])
    kr: KRInput = okr.key_results[index]
    team = okr.team
    verdict = assess_kr(kr, team.function if team else None, team.name if team else None)
    metric, base, target = kr_line(verdict, kr.text)
    if code is FindingCode.KR_MISSING_BASELINE:
        return TemplateRewrite(f"{metric} from ? to {target}", "add the current value")
    if code is FindingCode.KR_MISSING_TARGET:
        return TemplateRewrite(f"{metric} from {base} to ?", "add the value you aim to reach"
                               if base != "?" else
                               "add where it stands today and the value you aim to reach")
    if code is FindingCode.KR_OUTPUT:
        return TemplateRewrite(
            "<the outcome this work moves> from ? to ?",
            f"keep '{kr.text}' as a task; measure the result it is for")
    if code is FindingCode.KR_NOT_INFLUENCEABLE:
        return TemplateRewrite(
            f"<the part of {metric} your team's work moves> from ? to ?",
            "pick the slice of this metric that comes from your own customers, users or process")
    return TemplateRewrite(
        "<metric that shows this happened> from ? to ?",
        f"name the number that would show '{kr.text}' happened, today and at the goal")
