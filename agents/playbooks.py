"""Recovery playbooks: what to do about a key result at risk, and who should do it.

The options live in a data file (`agents/playbook_library.json`): each says
which key results it fits (reason codes of docs/spec/risk.md and figures
such as elapsed share and forecast), which roles act, and its next steps as
templates. Matching and filling in are deterministic; the roles resolve to
named people and teams of the organisation (the key result's owner, its
team's lead, the upstream dependency's owner, the lead of the lowest team
over both teams). A language model may reword the result, never choose it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import timedelta
from functools import lru_cache
from importlib import resources
from string import Formatter
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from okr.errors import NotFoundError
from okr.models import KRKind
from okr.quantities import decimals_of, format_value
from okr.risk import KRRisk
from tools.store_reads import CycleView, lowest_common_team

__all__ = [
    "FACTS",
    "ROLES",
    "Actor",
    "Library",
    "Playbook",
    "PlaybookSpec",
    "When",
    "as_json",
    "check_library",
    "default_library",
    "facts_for",
    "load_library",
    "propose",
    "proposed_target",
    "round_like",
    "upstream_of",
]

Role = Literal["owner", "team_lead", "parent_lead", "objective_owner", "upstream_owner",
               "common_parent_lead"]
ROLES: tuple[str, ...] = ("owner", "team_lead", "parent_lead", "objective_owner",
                          "upstream_owner", "common_parent_lead")
#: Days until the follow-up date named in steps.
REVIEW_AFTER_DAYS = 7


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class When(_Strict):
    """Which key results a playbook fits; every condition given must hold."""

    any_reason: tuple[str, ...] = ()
    all_reasons: tuple[str, ...] = ()
    min_elapsed: float | None = None
    max_elapsed: float | None = None
    max_forecast: float | None = None
    min_p_miss: float | None = None
    has_upstream: bool | None = None
    kinds: tuple[Literal["metric", "percent", "milestone"], ...] = ()


class PlaybookSpec(_Strict):
    """One entry of the library."""

    id: str
    kind: Literal["adjust_target", "change_approach", "escalate_blocker",
                  "rescope_dependency", "retire_kr"]
    title: str
    priority: int
    when: When
    actors: tuple[Role, ...]
    steps: tuple[str, ...] = Field(min_length=1)
    proposes: Literal["target"] | None = None


class Library(_Strict):
    version: int
    about: str = ""
    playbooks: tuple[PlaybookSpec, ...]


class Actor(_Strict):
    """Who should act: a role, resolved to a person and a team of the organisation."""

    role: str
    person_id: str | None
    person_name: str
    team_id: str | None
    team_name: str


class Playbook(_Strict):
    """A recovery option for one key result, ready to show and to record as a decision."""

    id: str
    kind: str
    title: str
    kr_id: str
    why: tuple[str, ...]
    steps: tuple[str, ...]
    actors: tuple[Actor, ...]
    proposal: dict[str, float] = Field(default_factory=dict)


def load_library(text: str) -> Library:
    """Parse a playbook library (the JSON of `agents/playbook_library.json`)."""
    return Library.model_validate(json.loads(text))


@lru_cache(maxsize=1)
def default_library() -> Library:
    """The library shipped with the package."""
    text = resources.files("agents").joinpath("playbook_library.json").read_text("utf-8")
    return load_library(text)


def _fits(when: When, kr: KRRisk, kind: str, has_upstream: bool) -> bool:
    reasons = set(kr.reasons)
    s = kr.signals
    checks = (
        not when.any_reason or bool(reasons & set(when.any_reason)),
        set(when.all_reasons) <= reasons,
        when.min_elapsed is None or s.elapsed >= when.min_elapsed,
        when.max_elapsed is None or s.elapsed <= when.max_elapsed,
        when.max_forecast is None or kr.forecast <= when.max_forecast,
        when.min_p_miss is None or kr.p_miss >= when.min_p_miss,
        when.has_upstream is None or when.has_upstream == has_upstream,
        not when.kinds or kind in when.kinds,
    )
    return all(checks)


def upstream_of(kr: KRRisk, view: CycleView) -> str | None:
    """The upstream key result a risk comes through (when a dependency is a reason), else None."""
    if "dependency_at_risk" not in kr.reasons:
        return None
    if kr.dependency_culprit is not None and kr.dependency_culprit in view.key_results:
        return kr.dependency_culprit
    direct = view.depends_on.get(kr.id, ())
    return direct[0] if direct else None


def round_like(value: float, *refs: float, extra: int = 0) -> float:
    """`value` rounded to the decimals its reference numbers are written with (plus `extra`)."""
    return round(value, max((decimals_of(r) for r in refs), default=0) + extra)


def proposed_target(kr: KRRisk, view: CycleView) -> float | None:
    """Where the trend lands at the end of the cycle: baseline + forecast x (target - baseline)."""
    k = view.key_results[kr.id]
    if k.baseline is None or k.target is None or math.isnan(kr.forecast):
        return None
    value = k.baseline + kr.forecast * (k.target - k.baseline)
    return round_like(value, k.target, k.baseline)


def _roles(kr: KRRisk, view: CycleView, upstream: str | None) -> dict[str, tuple[str | None,
                                                                                 str | None]]:
    """Each role as (person id, team id)."""
    team = view.team_of(kr.id)
    parent = view.teams[team].parent_id if team is not None and team in view.teams else None
    objective = view.objectives[view.key_results[kr.id].objective_id]
    up_team = view.team_of(upstream) if upstream is not None else None
    common = lowest_common_team(view.teams, team, up_team) if upstream is not None else None
    return {
        "owner": (view.owner_of(kr.id), team),
        "team_lead": (view.team_lead(team), team),
        "parent_lead": (view.team_lead(parent or team), parent or team),
        "objective_owner": (objective.owner_id or view.team_lead(team), team),
        "upstream_owner": ((view.owner_of(upstream), up_team) if upstream is not None
                           else (None, None)),
        "common_parent_lead": (view.team_lead(common), common),
    }


def facts_for(kr: KRRisk, view: CycleView, report: Mapping[str, KRRisk]) -> dict[str, str]:
    """Every value a step template may use, as display text."""
    k = view.key_results[kr.id]
    upstream = upstream_of(kr, view)
    roles = _roles(kr, view, upstream)
    unit = k.unit or ""
    up_risk = report.get(upstream) if upstream is not None else None
    days_left = max(0, (view.cycle.end - view.as_of).days)
    target = proposed_target(kr, view)
    facts: dict[str, str] = {
        "kr": kr.id,
        "kr_text": k.text,
        "team_name": view.team_name(view.team_of(kr.id)),
        "target": format_value(k.target, unit),
        "proposed_target": format_value(target, unit),
        "forecast": f"{kr.forecast:.2f}",
        "p_miss": f"{kr.p_miss:.2f}",
        "progress_pct": f"{kr.signals.progress:.0%}",
        "elapsed_pct": f"{kr.signals.elapsed:.0%}",
        "end": view.cycle.end.isoformat(),
        "days_left": str(days_left),
        "review_date": min(view.cycle.end,
                           view.as_of + timedelta(days=REVIEW_AFTER_DAYS)).isoformat(),
        "upstream_kr": upstream or "-",
        "upstream_status": up_risk.status if up_risk is not None else "unknown",
        "upstream_p_miss": f"{up_risk.p_miss:.2f}" if up_risk is not None else "?",
        "upstream_team_name": view.team_name(roles["upstream_owner"][1]),
        "common_team_name": view.team_name(roles["common_parent_lead"][1]),
        "common_lead_name": view.person_name(roles["common_parent_lead"][0]),
        "parent_team_name": view.team_name(roles["parent_lead"][1]),
    }
    for role in ROLES:
        facts[f"{role}_name"] = view.person_name(roles[role][0])
    return facts


def template_fields(template: str) -> set[str]:
    """The `{names}` a step template uses."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def propose(kr: KRRisk, view: CycleView, report: Mapping[str, KRRisk],
            library: Library | None = None) -> list[Playbook]:
    """The playbooks that fit a key result, most pressing first, with names filled in.

    `report` maps key result ids to the radar's readings (for the upstream
    dependency's status). A key result with no reasons gets no playbook.
    """
    if kr.id not in view.key_results:
        raise NotFoundError(f"key result {kr.id!r} is not tracked in cycle {view.cycle.name!r}")
    if not kr.reasons:
        return []
    library = library or default_library()
    upstream = upstream_of(kr, view)
    kind = _kind(view, kr.id)
    roles = _roles(kr, view, upstream)
    facts = facts_for(kr, view, report)
    target = proposed_target(kr, view)
    out: list[Playbook] = []
    for spec in sorted(library.playbooks, key=lambda p: (p.priority, p.id)):
        if not _fits(spec.when, kr, kind, upstream is not None):
            continue
        actors = []
        for role in spec.actors:
            person, team = roles[role]
            actors.append(Actor(role=role, person_id=person, person_name=view.person_name(person),
                                team_id=team, team_name=view.team_name(team)))
        proposal = {"target": target} if spec.proposes == "target" and target is not None else {}
        why = tuple(r for r in kr.reasons
                    if r in spec.when.any_reason or r in spec.when.all_reasons)
        out.append(Playbook(id=spec.id, kind=spec.kind, title=spec.title, kr_id=kr.id, why=why,
                            steps=tuple(step.format_map(facts) for step in spec.steps),
                            actors=tuple(actors), proposal=proposal))
    return out


def _kind(view: CycleView, kr_id: str) -> str:
    kind = view.key_results[kr_id].kind
    return "metric" if kind is KRKind.CURRENCY else kind.value


FACTS: frozenset[str] = frozenset({
    "kr", "kr_text", "team_name", "target", "proposed_target", "forecast", "p_miss",
    "progress_pct", "elapsed_pct", "end", "days_left", "review_date", "upstream_kr",
    "upstream_status", "upstream_p_miss", "upstream_team_name", "common_team_name",
    "common_lead_name", "parent_team_name", *(f"{role}_name" for role in ROLES)})
"""The names step templates may use (the keys of `facts_for`)."""


def check_library(library: Library) -> list[str]:
    """Problems with a library: templates naming facts that do not exist."""
    problems = []
    for spec in library.playbooks:
        for step in spec.steps:
            unknown = template_fields(step) - FACTS
            if unknown:
                problems.append(f"{spec.id}: unknown fields {sorted(unknown)}")
    return problems


def as_json(playbooks: Sequence[Playbook]) -> list[dict[str, Any]]:
    """Playbooks as plain JSON values (graph state, `--json` output)."""
    return [p.model_dump(mode="json") for p in playbooks]
