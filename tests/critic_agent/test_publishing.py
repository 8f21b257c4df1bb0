"""The publish gate on a real store: errors block, an override needs and records a reason.

Run on SQLite and on PostgreSQL (tests/support/stores.py): `store` (the
folder's conftest) opens this module's `store_url`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from stores import BACKENDS, database_url

from agents.publishing import PublishBlocked, okr_input_for, publish_objective
from agents.runtime import AgentContext
from okr.errors import NotFoundError, TransitionError, ValidationError
from okr.models import Objective, ObjectiveState, OrgSnapshot
from okr.store import Store

ORG = "acme"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


def _state(store: Store, oid: str) -> ObjectiveState:
    return store.get_objective(ORG, oid).state


def _last_reason(store: Store, oid: str) -> str | None:
    return [h for h in store.history(ORG, oid) if h.action == "state_changed"][-1].reason


def test_a_good_objective_is_published(store: Store, offline_ctx: AgentContext) -> None:
    result = publish_objective(store, offline_ctx, ORG, "o-good", "ana")
    assert (result.objective.state, _state(store, "o-good")) == (ObjectiveState.PUBLISHED,) * 2
    assert result.overridden == ()


def test_publishing_records_that_the_gate_passed(store: Store, offline_ctx: AgentContext) -> None:
    publish_objective(store, offline_ctx, ORG, "o-good", "ana")
    assert "quality gate passed" in (_last_reason(store, "o-good") or "")


def test_a_bad_objective_is_blocked_with_its_findings_named(store: Store,
                                                            offline_ctx: AgentContext) -> None:
    with pytest.raises(PublishBlocked) as blocked:
        publish_objective(store, offline_ctx, ORG, "o-bad", "ana")
    assert {(f.code.value, f.target) for f in blocked.value.findings} == {
        ("objective_is_task", "objective"), ("kr_output", "kr:0"),
        ("kr_missing_baseline", "kr:1")}
    assert "kr_output (kr:0)" in str(blocked.value)


def test_a_blocked_objective_keeps_its_state(store: Store, offline_ctx: AgentContext) -> None:
    with pytest.raises(PublishBlocked):
        publish_objective(store, offline_ctx, ORG, "o-bad", "ana")
    assert _state(store, "o-bad") is ObjectiveState.DRAFT
    assert not [h for h in store.history(ORG, "o-bad") if h.action == "state_changed"]


def test_an_override_with_a_reason_publishes_and_records_reason_and_codes(
        store: Store, offline_ctx: AgentContext) -> None:
    result = publish_objective(store, offline_ctx, ORG, "o-bad", "ana",
                               override_reason="board asked for it this week")
    assert _state(store, "o-bad") is ObjectiveState.PUBLISHED
    reason = _last_reason(store, "o-bad") or ""
    assert "board asked for it this week" in reason
    assert all(f"{f.code.value} ({f.target})" in reason for f in result.overridden)
    assert len(result.overridden) == 3


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_empty_override_reason_is_refused(store: Store, offline_ctx: AgentContext,
                                             reason: str) -> None:
    with pytest.raises(ValidationError, match="reason"):
        publish_objective(store, offline_ctx, ORG, "o-bad", "ana", override_reason=reason)
    assert _state(store, "o-bad") is ObjectiveState.DRAFT


def test_warnings_never_block(store: Store, offline_ctx: AgentContext,
                              make_snapshot: Callable[..., OrgSnapshot],
                              make_good_objective: Callable[[str, str], Objective]) -> None:
    extra = tuple(make_good_objective(f"o-more-{i}", f"Turn trial users into paying customers "
                                      f"in segment {i}") for i in range(5))
    store.save_snapshot(make_snapshot(extra))
    result = publish_objective(store, offline_ctx, ORG, "o-good", "ana")
    assert [f.code.value for f in result.review.critique.findings] == ["too_many_objectives"]
    assert _state(store, "o-good") is ObjectiveState.PUBLISHED


def test_the_team_count_leaves_out_retired_objectives(
        store: Store, make_snapshot: Callable[..., OrgSnapshot],
        make_good_objective: Callable[[str, str], Objective]) -> None:
    extra = tuple(make_good_objective(f"o-more-{i}", f"Win segment {i}") for i in range(5))
    store.save_snapshot(make_snapshot(extra))
    store.set_objective_state(ORG, "o-more-0", ObjectiveState.RETIRED, "ana")
    _okr, context = okr_input_for(store, ORG, store.get_objective(ORG, "o-good"))
    assert context.team_objectives == 6


def test_the_critic_reads_team_cycle_and_structured_fields(store: Store) -> None:
    okr, _context = okr_input_for(store, ORG, store.get_objective(ORG, "o-good"))
    assert (okr.team and okr.team.function, okr.cycle) == ("marketing", "2026-Q1")
    assert (okr.key_results[1].baseline, okr.key_results[1].target,
            okr.key_results[1].direction) == (120.0, 85.0, "decrease")


def test_a_published_objective_cannot_be_published_again(store: Store,
                                                         offline_ctx: AgentContext) -> None:
    publish_objective(store, offline_ctx, ORG, "o-good", "ana")
    with pytest.raises(TransitionError):
        publish_objective(store, offline_ctx, ORG, "o-good", "ana")


def test_another_organisations_objective_is_not_found(store: Store,
                                                      offline_ctx: AgentContext) -> None:
    store.create_organisation("other")
    with pytest.raises(NotFoundError):
        publish_objective(store, offline_ctx, "other", "o-good", "ana")
