"""Classes of wording the rules must read the same way in any industry (issue 4).

Each test names one class of key result or objective from
docs/spec/okr-quality.md and checks it on a sentence written for this test,
not taken from any labelled set.
"""

from __future__ import annotations

import pytest

from okr.quality import KRInput, assess_kr, is_objective_task, is_objective_vague
from okr.quantities import parse_kr


def kr_codes(text: str, function: str | None = "operations") -> set[str]:
    return {c.value for c in assess_kr(KRInput(text=text), function).codes}


# -- fraction words are relative changes


@pytest.mark.parametrize("text", [
    "Reduce warranty returns by a third",
    "Grow repeat bookings by half",
    "Cut overtime hours by a quarter",
    "Lower scrap by two thirds",
])
def test_a_change_written_as_a_fraction_lacks_only_its_baseline(text: str) -> None:
    assert kr_codes(text) == {"kr_missing_baseline"}


def test_cutting_by_a_third_reads_as_two_thirds_of_the_start() -> None:
    parsed = parse_kr("Reduce warranty returns by a third")
    assert (parsed.relative_change, parsed.relative_unit) == (pytest.approx(2 / 3), "x")


def test_growing_by_half_reads_as_one_and_a_half_times_the_start() -> None:
    assert parse_kr("Grow repeat bookings by half").relative_change == pytest.approx(1.5)


# -- ranges that name a group are not from-to values


@pytest.mark.parametrize("text", [
    "Pupils in years 7–9 attending 95% of sessions from 61% to 74%",
    "Severity 1-2 outages resolved within 2 hours from 55% to 85%",
    "Policyholders aged 60–75 renewing online from 20% to 35%",
])
def test_a_group_range_beside_a_real_from_to_keeps_the_from_to(text: str) -> None:
    assert kr_codes(text) == set()


def test_a_group_range_before_a_noun_is_not_a_baseline() -> None:
    assert kr_codes("Grow 25–44 loyalty card holders to 12,000") == {"kr_missing_baseline"}


def test_a_group_range_is_not_a_target_when_only_a_baseline_is_given() -> None:
    assert kr_codes("Monitor falls among residents aged 80–90 (currently 6 a month)") == {
        "kr_missing_target"}


# -- dated milestones are outputs


@pytest.mark.parametrize("text", [
    "Agree the supplier contract by end of April",
    "Get the planning permit before Q3",
    "Choose the new ERP vendor by 30 June",
])
def test_a_deadline_with_no_metric_is_a_milestone_and_so_an_output(text: str) -> None:
    assert kr_codes(text) == {"kr_output"}


def test_a_metric_with_a_deadline_but_no_value_still_lacks_its_target() -> None:
    assert kr_codes("Improve on-time delivery rate by end of June") == {"kr_missing_target"}


# -- activity counted per period is an output, even from-to


@pytest.mark.parametrize("text", [
    "TikTok videos per week from 2 to 6",
    "Prospecting calls per rep per day from 30 to 45",
    "Coaching sessions per month from 10 to 20",
    "Client newsletters per quarter: 1 → 3",
])
def test_activity_counted_per_period_is_an_output_even_from_to(text: str) -> None:
    assert kr_codes(text) == {"kr_output"}


@pytest.mark.parametrize("text", [
    "Paying subscribers per month from 800 to 1,100",
    "Inbound calls per week from 500 to 800",
    "App sessions per user per week from 3 to 5",
])
def test_outcome_counts_per_period_stay_outcomes(text: str) -> None:
    assert kr_codes(text) == set()


@pytest.mark.parametrize("text", ["Print errors per 1,000 labels from 12 to 4",
                                  "Open safety actions from 45 to 15"])
def test_a_noun_that_looks_like_a_delivery_verb_is_not_an_output_when_it_falls(
        text: str) -> None:
    assert kr_codes(text) == set()


# -- objectives: rollouts are tasks, results for someone are not


@pytest.mark.parametrize("objective", [
    "Deploy electronic shelf labels to every store",
    "Install EV chargers across all depots",
    "Migrate every branch onto the new core banking system",
])
def test_a_rollout_to_every_site_is_a_task(objective: str) -> None:
    assert is_objective_task(objective)


@pytest.mark.parametrize("objective", [
    "Deliver prescriptions right first time",
    "Deliver every order on time and in full",
    "Develop apprentices ready to work unsupervised",
    "Deliver every hospital meal hot",
    "Roll out self-service so that every tenant can report a repair in minutes",
])
def test_a_delivery_verb_with_a_result_for_someone_is_not_a_task(objective: str) -> None:
    assert not is_objective_task(objective)


def test_wrapping_up_a_deliverable_is_a_task() -> None:
    assert is_objective_task("Wrap up the head-office refurbishment")


# -- vagueness


@pytest.mark.parametrize("objective", ["Make procurement better", "Make our claims process great",
                                       "Get field service even better"])
def test_make_a_noun_better_is_vague(objective: str) -> None:
    assert is_objective_vague(objective)


def test_make_a_noun_better_for_someone_is_not_vague() -> None:
    assert not is_objective_vague("Make claims faster for customers after a flood")


# -- influenceability


@pytest.mark.parametrize("text", [
    "Industry-wide bottled water sales from 4.2B to 4.6B litres",
    "Market-wide mortgage approvals from 60k to 70k a month",
    "Competitors' delivery fees from £3.99 to £4.99",
])
def test_industry_and_competitor_totals_are_not_influenceable(text: str) -> None:
    assert kr_codes(text, "sales") == {"kr_not_influenceable"}


@pytest.mark.parametrize("text", [
    "MHRA approval time for variations from 90 to 60 days",
    "Customs clearance time for inbound containers from 4 days to 2 days",
    "Government reimbursement prices from £12 to £14 per test",
    "Planning decision times at the council from 13 to 8 weeks",
])
def test_an_outside_body_s_own_process_or_price_is_not_influenceable(text: str) -> None:
    assert kr_codes(text, "construction") == {"kr_not_influenceable"}


def test_an_outside_body_s_process_is_influenceable_for_that_body() -> None:
    assert kr_codes("Planning decision times at the council from 13 to 8 weeks",
                    "local government") == set()


def test_our_share_of_an_industry_total_is_influenceable() -> None:
    assert kr_codes("Our share of industry-wide cement sales from 8% to 10%", "sales") == set()
