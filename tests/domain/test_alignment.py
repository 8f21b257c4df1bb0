"""Alignment tree, gaps, over-allocation and loose ends on hand-built snapshots."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from okr.alignment import (
    alignment_tree,
    gaps,
    objective_parents,
    over_allocation,
    pick_cycle,
    select_cycle,
    unaligned,
)
from okr.errors import NotFoundError
from okr.models import (
    AlignmentLink,
    Level,
    Objective,
    ObjectiveState,
    Organisation,
    OrgSnapshot,
)


def test_links_between_key_results_align_their_objectives(small):
    parents = objective_parents(small, "c-1")
    assert parents["o-b"] == ("o-c1",)
    assert parents["o-a"] == ("o-c1",)
    assert "o-c" not in parents


def test_a_company_objective_nobody_supports_is_a_gap(small):
    assert [o.id for o in gaps(small, "c-1")] == ["o-c2"]


def test_a_draft_or_retired_objective_does_not_count_as_support(small):
    assert [o.id for o in gaps(small, "c-1")] == ["o-c2"]
    retired = dataclasses.replace(small, objectives=tuple(
        dataclasses.replace(o, state=ObjectiveState.RETIRED) if o.id == "o-c" else o
        for o in small.objectives))
    linked = (*small.alignments, AlignmentLink("acme", "o-c", "o-c2"))
    assert gaps(dataclasses.replace(small, alignments=linked), "c-1") == ()
    assert [o.id for o in gaps(dataclasses.replace(retired, alignments=linked), "c-1")] == [
        "o-c2"]


def test_support_through_another_team_objective_closes_a_gap(small):
    chained = dataclasses.replace(small, alignments=(
        AlignmentLink("acme", "o-a", "o-c1"), AlignmentLink("acme", "o-b", "o-a"),
        AlignmentLink("acme", "o-c", "o-b"), AlignmentLink("acme", "o-b", "o-c2")))
    assert gaps(chained, "c-1") == ()


def test_unaligned_lists_team_objectives_linked_to_nothing(small):
    assert [o.id for o in unaligned(small, "c-1")] == ["o-c"]


def _crowd(n_teams: int) -> OrgSnapshot:
    company = Objective("o-top", "x", "c", "Top", "t-co", Level.COMPANY,
                        state=ObjectiveState.PUBLISHED)
    team_objs = tuple(Objective(f"o-{i}", "x", "c", f"T{i}", f"t-{i % n_teams}",
                                state=ObjectiveState.PUBLISHED) for i in range(n_teams * 2))
    return OrgSnapshot(
        organisation=Organisation("x", "X"),
        objectives=(company, *team_objs),
        alignments=tuple(AlignmentLink("x", o.id, "o-top") for o in team_objs),
    )


def test_more_teams_than_the_threshold_is_over_allocation_counting_teams_not_objectives():
    assert over_allocation(_crowd(4), "c") == ()
    crowded = over_allocation(_crowd(5), "c")
    assert [(c.objective.id, len(c.team_ids)) for c in crowded] == [("o-top", 5)]


def test_over_allocation_threshold_is_configurable():
    assert len(over_allocation(_crowd(3), "c", threshold=2)) == 1


def test_tree_puts_company_objectives_first_with_their_supporters_below(small):
    tree = alignment_tree(small, "c-1")
    assert [n.objective.id for n in tree.roots] == ["o-c1", "o-c2", "o-c"]
    assert [c.objective.id for c in tree.roots[0].children] == ["o-a", "o-b"]
    assert [c.objective.id for c in tree.roots[1].children] == ["o-d"]


def test_tree_rolls_scores_up_and_leaves_drafts_out_of_the_rollup(small):
    tree = alignment_tree(small, "c-1")
    c1, c2 = tree.roots[0], tree.roots[1]
    a = c1.children[0]
    assert a.own_score == pytest.approx(0.75)
    assert c1.own_score == pytest.approx(0.4)
    assert c1.score == pytest.approx((0.4 + 0.75 + 0.0) / 3)
    assert c2.score == pytest.approx(0.8)


def test_tree_scores_as_of_a_date_ignore_later_check_ins(small):
    tree = alignment_tree(small, "c-1", as_of=date(2026, 4, 21))
    a = tree.roots[0].children[0]
    assert [k.score for k in a.key_results] == [pytest.approx(0.2), 1.0]


def test_objectives_aligned_in_a_loop_still_appear_in_the_tree(small):
    looped = dataclasses.replace(small, alignments=(
        AlignmentLink("acme", "o-a", "o-b"), AlignmentLink("acme", "o-b", "o-a")))
    tree = alignment_tree(looped, "c-1")
    shown = {n.objective.id for n in tree.roots}
    assert {"o-a"} <= shown or {"o-b"} <= shown
    assert tree.roots[-1].children


def test_links_from_another_organisation_are_ignored(small):
    foreign = dataclasses.replace(
        small, alignments=(*small.alignments, AlignmentLink("evil", "o-c", "o-c2")))
    assert [o.id for o in gaps(foreign, "c-1")] == ["o-c2"]


def test_cycle_is_picked_by_name_id_or_date(demo):
    assert select_cycle(demo, "2026-Q2").id == "c-2026q2"
    assert select_cycle(demo, "c-2026q3").name == "2026-Q3"
    assert select_cycle(demo, today=date(2026, 5, 2)).name == "2026-Q2"
    assert select_cycle(demo, today=date(2030, 1, 1)).name == "2026-Q4"


def test_unknown_cycle_is_a_clear_error_naming_the_known_ones(demo):
    with pytest.raises(NotFoundError, match="2026-Q1, 2026-Q2"):
        select_cycle(demo, "2019-Q1")
    with pytest.raises(NotFoundError):
        pick_cycle([], None)
