"""The publish gate: an objective is published only after the critic has checked it.

`publish_objective` reads the stored objective with what the critic needs
(its team's name and function, the cycle's name, the key results' text and
structured baseline, target, unit and direction, and how many objectives the
team holds in the cycle), runs the critic agent, and:

- with no error finding, publishes it (warnings never block);
- with error findings and no override, refuses with `PublishBlocked`, naming
  each blocking finding, and changes nothing;
- with an override reason (non-empty), publishes anyway and records the
  reason and the overridden finding codes in the objective's history (the
  state change's `reason`), so the decision can be audited later.

It writes only through `Store.set_objective_state`, which refuses a state
change the objective's current state does not allow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from agents.critic import AgentCritique, critique_with_agent
from agents.runtime import AgentContext
from okr.errors import OKRError, TransitionError, ValidationError
from okr.models import STATE_TRANSITIONS, Cycle, Objective, ObjectiveState, Team
from okr.quality import CritiqueContext, Finding, KRInput, OKRInput, Severity, TeamInput

__all__ = [
    "PublishBlocked",
    "PublishResult",
    "PublishStore",
    "okr_input_for",
    "publish_objective",
    "review_objective",
]


class PublishStore(Protocol):
    """The store reads and the one write the gate needs (`okr.store.Store` has them)."""

    def get_objective(self, org_id: str, objective_id: str) -> Objective: ...

    def list_objectives(self, org_id: str, cycle_id: str | None = None,
                        team_id: str | None = None) -> list[Objective]: ...

    def list_teams(self, org_id: str) -> list[Team]: ...

    def get_cycle(self, org_id: str, ref: str) -> Cycle: ...

    def set_objective_state(self, org_id: str, objective_id: str,
                            new_state: ObjectiveState | str, actor: str | None,
                            reason: str | None = None) -> Objective: ...


class PublishBlocked(OKRError):
    """Publishing was refused because the critic found errors; `findings` lists them."""

    def __init__(self, objective_id: str, findings: list[Finding]) -> None:
        self.objective_id = objective_id
        self.findings = findings
        lines = "".join(f"\n  - {f.code.value} ({f.target}): {f.message}" for f in findings)
        super().__init__(
            f"objective {objective_id!r} cannot be published: the critic found "
            f"{len(findings)} blocking finding{'s' if len(findings) != 1 else ''}:{lines}\n"
            "Fix them, or publish with an override reason (--override-reason).")


@dataclass(frozen=True)
class PublishResult:
    """The published objective, the critic's verdict and the findings that were overridden."""

    objective: Objective
    review: AgentCritique
    overridden: tuple[Finding, ...]
    reason: str


_COUNTED = frozenset(ObjectiveState) - {ObjectiveState.RETIRED}


def okr_input_for(store: PublishStore, org_id: str,
                  objective: Objective) -> tuple[OKRInput, CritiqueContext]:
    """The critic's input for a stored objective, and its team's objective count in the cycle."""
    team = next((t for t in store.list_teams(org_id) if t.id == objective.team_id), None)
    cycle = store.get_cycle(org_id, objective.cycle_id)
    count: int | None = None
    if objective.team_id is not None:
        count = sum(o.state in _COUNTED for o in store.list_objectives(
            org_id, cycle_id=objective.cycle_id, team_id=objective.team_id))
    okr = OKRInput(
        id=objective.id,
        objective=objective.title,
        team=TeamInput(name=team.name, function=team.function) if team else None,
        cycle=cycle.name,
        key_results=[KRInput(text=k.text, baseline=k.baseline, target=k.target,
                             unit=k.unit or None, direction=k.direction.value)
                     for k in objective.key_results],
    )
    return okr, CritiqueContext(team_objectives=count)


def review_objective(store: PublishStore, ctx: AgentContext, org_id: str,
                     objective_id: str) -> AgentCritique:
    """The critic's verdict on one stored objective (what publishing would check)."""
    objective = store.get_objective(org_id, objective_id)
    okr, context = okr_input_for(store, org_id, objective)
    return critique_with_agent(ctx, okr, context)


def _override_note(reason: str, findings: list[Finding]) -> str:
    codes = ", ".join(f"{f.code.value} ({f.target})" for f in findings)
    return f"quality gate overridden: {reason} [overridden findings: {codes}]"


def publish_objective(store: PublishStore, ctx: AgentContext, org_id: str, objective_id: str,
                      actor: str | None, override_reason: str | None = None) -> PublishResult:
    """Publish an objective if the critic passes it, or with a stated override reason.

    Raises `ValidationError` for an empty override reason, `TransitionError`
    when the objective cannot be published from its state, and
    `PublishBlocked` when errors stand and no override was given.
    """
    reason = override_reason.strip() if override_reason is not None else None
    if override_reason is not None and not reason:
        raise ValidationError("an override needs a reason: say why this objective should be "
                              "published despite the critic's findings")
    objective = store.get_objective(org_id, objective_id)
    if ObjectiveState.PUBLISHED not in STATE_TRANSITIONS[objective.state]:
        raise TransitionError(f"objective {objective_id!r} is {objective.state.value}; only "
                              "draft or in-review objectives can be published")
    okr, context = okr_input_for(store, org_id, objective)
    review = critique_with_agent(ctx, okr, context)
    errors = [f for f in review.critique.findings if f.severity is Severity.ERROR]
    if errors and reason is None:
        raise PublishBlocked(objective_id, errors)
    note = (_override_note(reason, errors) if errors and reason is not None
            else f"quality gate passed (score {review.critique.score}, engine {review.engine})")
    published = store.set_objective_state(org_id, objective_id, ObjectiveState.PUBLISHED,
                                          actor, reason=note)
    return PublishResult(objective=published, review=review, overridden=tuple(errors),
                         reason=note)
