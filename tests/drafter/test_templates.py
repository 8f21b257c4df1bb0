"""The offline engine: history-based targets, revisions by rule, strategy documents."""

from __future__ import annotations

from agents.draft_templates import (
    DraftKR,
    DraftObjective,
    Facts,
    MetricFact,
    critique_draft,
    draft_from_document,
    revise_offline,
    target_for,
)
from okr.models import Direction
from okr.quantities import format_value
from tools.okr_reads import PastKR, metric_label


def _past(baseline, target, final, direction=Direction.INCREASE, unit="%"):
    return PastKR("k", "Metric", unit, direction, baseline, target, final, 0.5, "2026-Q1")


def test_target_is_the_median_past_move_divided_by_the_success_threshold():
    history = [_past(50, 60, 57), _past(50, 60, 57), _past(50, 60, 50)]
    target, note = target_for(60.0, Direction.INCREASE, "%", history)
    assert target == 70.0
    assert "median move 7" in note


def test_a_decreasing_metric_gets_a_lower_target_that_stays_above_zero():
    history = [_past(10, 5, 2, Direction.DECREASE, "days")] * 3
    target, _ = target_for(4.0, Direction.DECREASE, "days", history)
    assert target == 0.0
    target, _ = target_for(20.0, Direction.DECREASE, "days", history)
    assert target == round(20 - 8 / 0.7)


def test_a_metric_that_never_moved_gets_half_the_usual_planned_move():
    history = [_past(50, 60, 49), _past(50, 60, 50)]
    target, note = target_for(50.0, Direction.INCREASE, "%", history)
    assert target == 55.0 and "no progress" in note


def test_with_no_history_the_target_is_a_ten_percent_move():
    assert target_for(200.0, Direction.INCREASE, "", [])[0] == 220.0


def test_a_share_stops_at_100_percent_but_a_retention_rate_may_pass_it():
    history = [_past(50, 80, 80)]
    assert target_for(90.0, Direction.INCREASE, "%", history)[0] == 100.0
    assert target_for(111.3, Direction.INCREASE, "%", history)[0] > 111.3


def test_values_are_written_the_way_people_write_them():
    assert [format_value(1.12, "$M"), format_value(67.9, "%"), format_value(1850, ""),
            format_value(18.9, "days")] == ["$1.12M", "67.9%", "1,850", "18.9 days"]


def test_metric_label_is_the_text_before_from_x_to_y():
    assert metric_label("Median time to first dashboard from 21 days to 10 days") == \
        "Median time to first dashboard"


def _fact(n: int, metric: str, current: float, target: float) -> MetricFact:
    return MetricFact(id=f"m{n}", kr_id=f"kr-{n}", metric=metric, unit="%", current=current,
                      as_of="2026-11-10", objective_id="o-1", objective_title="Keep customers",
                      target=target)


def test_offline_revision_replaces_a_blocked_key_result_with_a_metric_from_data():
    facts = Facts(metrics=[_fact(1, "Support CSAT", 86, 90),
                           _fact(2, "Tickets resolved in one touch", 38, 45)])
    draft = DraftObjective(title="Answer customers fast and well", key_results=[
        DraftKR(text="Support CSAT from 86% to 90%", metric="Support CSAT", baseline=86,
                target=90, unit="%", fact_id="m1"),
        DraftKR(text="Customer happiness to 95%", metric="Customer happiness", target=95)])
    draft.critique = critique_draft(draft, 0, "Support", "support", "2027-Q1", 1)
    assert not draft.publishable
    revised = revise_offline(draft, facts, {"m1"})
    revised.critique = critique_draft(revised, 0, "Support", "support", "2027-Q1", 1)
    assert revised.publishable
    assert [k.fact_id for k in revised.key_results] == ["m1", "m2"]


def test_a_vague_title_is_rewritten_from_the_metrics():
    facts = Facts(metrics=[_fact(1, "Support CSAT", 86, 90),
                           _fact(2, "Tickets resolved in one touch", 38, 45)])
    draft = DraftObjective(title="Be the best", key_results=[
        DraftKR(text="Support CSAT from 86% to 90%", metric="Support CSAT", baseline=86,
                target=90, unit="%", fact_id="m1"),
        DraftKR(text="Tickets resolved in one touch from 38% to 45%",
                metric="Tickets resolved in one touch", baseline=38, target=45, unit="%",
                fact_id="m2")])
    draft.critique = critique_draft(draft, 0, "Support", "support", "2027-Q1", 1)
    revised = revise_offline(draft, facts, {"m1", "m2"})
    assert revised.title != "Be the best"
    assert critique_draft(revised, 0, "Support", "support", "2027-Q1", 1).publishable


def test_a_document_goal_on_a_tracked_metric_starts_from_the_data():
    facts = Facts(metrics=[_fact(1, "Net revenue retention", 107.7, 112)])
    drafts = draft_from_document(
        "## Keep more of our customers\n- Net revenue retention to 115%\n"
        "- Onboarding completion from 48% to 70%\n", facts, None)
    assert [d.title for d in drafts] == ["Keep more of our customers"]
    nrr, onboarding = drafts[0].key_results
    assert (nrr.baseline, nrr.target, nrr.fact_id) == (107.7, 115.0, "m1")
    assert (onboarding.baseline, onboarding.baseline_note) == (
        48.0, "baseline from the strategy document")
