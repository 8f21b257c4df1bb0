"""Classes of wording the rules must read the same way in any industry (issue 4).

Each test names one class of key result or objective from
docs/spec/okr-quality.md and checks it on a sentence written for this test,
not taken from any labelled set.
"""

from __future__ import annotations

import pytest

from okr.models import Direction
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


# -- European decimal commas are numbers (issue 4, round 2)


@pytest.mark.parametrize(("text", "baseline", "target"), [
    ("Guest review score from 8,4 to 9,1 out of 10", 8.4, 9.1),
    ("Scrap on the extrusion line 2,75% → 1,9%", 2.75, 1.9),
    ("Fill accuracy from 99,1% to 99,8%", 99.1, 99.8),
])
def test_a_decimal_comma_reads_as_a_decimal_point(text: str, baseline: float,
                                                  target: float) -> None:
    parsed = parse_kr(text)
    assert (parsed.baseline and parsed.baseline.value,
            parsed.target and parsed.target.value) == (baseline, target)


def test_a_key_result_with_decimal_commas_is_clean() -> None:
    assert kr_codes("Guest review score from 8,4 to 9,1 out of 10") == set()


@pytest.mark.parametrize(("text", "value"), [("Backlog from 1,250 to 900", 1250.0),
                                             ("Revenue from 3,400,000 to 4m", 3_400_000.0)])
def test_a_comma_before_three_digits_stays_a_thousands_separator(text: str,
                                                                 value: float) -> None:
    baseline = parse_kr(text).baseline
    assert baseline is not None and baseline.value == value


def test_a_list_of_numbers_is_not_read_as_decimals() -> None:
    assert parse_kr("Bays 3,4,5 occupied from 40% to 70%").baseline == parse_kr(
        "Bays occupied from 40% to 70%").baseline


def test_a_comma_and_space_in_a_list_is_not_a_decimal() -> None:
    parsed = parse_kr("Wards 2, 6 and 9: falls per month from 14 to 8")
    assert (parsed.baseline and parsed.baseline.value, parsed.target and parsed.target.value) == (
        14.0, 8.0)


# -- symbols and words attached to numbers are units


@pytest.mark.parametrize(("text", "unit"), [
    ("Google review rating 3.9★ → 4.4★", "★"),
    ("Hotel guest rating from 4.1 stars to 4.5 stars", "★"),
    ("Average basket 18€ → 23€", "EUR"),
    ("Cold-room temperature from 7°C to 4°C", "°c"),
    ("Defects from 4‰ to 2‰", "‰"),
])
def test_a_symbol_after_a_number_is_its_unit(text: str, unit: str) -> None:
    parsed = parse_kr(text)
    assert parsed.baseline is not None and parsed.target is not None
    assert parsed.unit == unit


def test_a_star_rating_with_baseline_and_target_is_clean() -> None:
    assert kr_codes("Google review rating 3.9★ → 4.4★") == set()


# -- list markers and labels are layout, not words


@pytest.mark.parametrize("prefix", ["• ", "- ", "* ", "– ", "KR2: ", "3) "])
def test_a_bullet_before_a_clean_key_result_changes_nothing(prefix: str) -> None:
    assert kr_codes(prefix + "Repeat purchase rate from 22% to 30%") == set()


@pytest.mark.parametrize("prefix", ["• ", "- ", "* ", "– "])
def test_a_bullet_before_a_task_still_reads_as_a_task(prefix: str) -> None:
    assert kr_codes(prefix + "Publish 6 customer case studies") == {"kr_output"}


# -- a change of unit between baseline and target


@pytest.mark.parametrize("text", [
    "Time to approve a supplier invoice (non-PO): 5 days -> 6 hours",
    "Nightly batch run time 3 hours → 40 minutes",
    "Report archive size from 2 TB to 800 GB",
])
def test_baseline_and_target_in_different_units_of_one_kind_are_both_read(text: str) -> None:
    assert kr_codes(text) == set()


def test_a_unit_change_reads_the_direction_from_converted_values() -> None:
    assert parse_kr("Nightly batch run time 3 hours → 40 minutes").direction is Direction.DECREASE


def test_units_of_different_kinds_are_not_paired_loosely() -> None:
    assert parse_kr("Orders over 3 kg → 40%").baseline is None


# -- activity counted per period, compound nouns included


@pytest.mark.parametrize("text", [
    "Blood donation drives per quarter from 3 to 6",
    "Sales calls made per rep per week from 60 to 90",
    "Supplier site visits per month from 4 to 10",
    "First-aid training sessions delivered per term from 2 to 5",
    "Careers fairs attended per semester: 3 → 6",
    "Reminder letters sent per month from 400 to 700",
    "Soil tests carried out per agronomist per week 6 to 9",
    "Open days per year from 2 to 4",
])
def test_compound_activity_counts_per_period_are_outputs(text: str) -> None:
    assert kr_codes(text, "nonprofit") == {"kr_output"}


@pytest.mark.parametrize("text", [
    "Active donors per month from 310 to 420",
    "Volunteers retained per season from 55 to 80",
    "Library card holders per branch from 2,100 to 2,600",
    "Containers handled per shift from 380 to 450",
    "Faults resolved at first contact per week from 120 to 170",
    "Website visits per month from 12k to 18k",
    "Appointments booked online per week from 90 to 160",
])
def test_outcome_counts_per_period_are_not_activity(text: str) -> None:
    assert kr_codes(text, "nonprofit") == set()


@pytest.mark.parametrize("text", ["Add 8 new menu items", "Develop 2 new e-learning modules",
                                  "Bake 4 new seasonal flavours"])
def test_a_count_of_new_deliverables_is_an_output(text: str) -> None:
    assert kr_codes(text) == {"kr_output"}


# -- a delivery verb qualified by an outcome is not a task


@pytest.mark.parametrize("objective", [
    "Run the monthly close with zero late adjustments",
    "Deliver school meals with no allergy incidents",
    "Host every guest without a single double booking",
    "Process tenant repairs error-free",
])
def test_a_delivery_verb_with_zero_or_no_failures_is_an_outcome(objective: str) -> None:
    assert not is_objective_task(objective)


@pytest.mark.parametrize("objective", ["Run the spring charity auction",
                                       "Host the regional sales kickoff"])
def test_running_a_one_off_event_stays_a_task(objective: str) -> None:
    assert is_objective_task(objective)


def test_a_bulleted_task_objective_is_still_a_task() -> None:
    assert is_objective_task("• Migrate the intranet to SharePoint")


# -- our figure measured against a market reference


@pytest.mark.parametrize("text", [
    "Our selling price vs the wholesale electricity price from 97% to 103%",
    "Win rate against competitors in tenders from 28% to 36%",
    "Fund return relative to the FTSE All-Share from -1% to +2%",
    "Our claims cost compared with the industry average from 110% to 100%",
])
def test_our_figure_against_a_market_reference_is_influenceable(text: str) -> None:
    assert kr_codes(text, "sales") == set()


@pytest.mark.parametrize("text", ["Wholesale electricity price from £80 to £70 per MWh",
                                  "Industry average claims cost from £2,400 to £2,200",
                                  "Number of solar storms per year from 9 to 4"])
def test_the_market_figure_itself_stays_out_of_reach(text: str) -> None:
    assert kr_codes(text, "sales") == {"kr_not_influenceable"}


# -- a verb-first objective whose object says how good it is for someone


@pytest.mark.parametrize("objective", [
    "Cook meals residents look forward to",
    "Write invoices customers never query",
    "Run buses commuters can rely on",
    "Repair boilers on the first visit",
    "Build furniture families keep for decades",
])
def test_a_result_judged_by_the_people_it_serves_is_an_outcome(objective: str) -> None:
    assert not is_objective_task(objective)


@pytest.mark.parametrize("objective", ["Run the summer open day", "Deliver the new HR portal",
                                       "Deliver 4 leadership workshops"])
def test_a_deliverable_without_a_judge_stays_a_task(objective: str) -> None:
    assert is_objective_task(objective)


# -- inspection and review work is an activity objective


@pytest.mark.parametrize("objective", [
    "Inspect all 30 bridges before the winter freeze",
    "Review every supplier contract by June",
    "Assess the 12 branch offices for fire safety",
    "Survey the northern pipeline corridor",
])
def test_an_inspection_or_review_round_is_a_task(objective: str) -> None:
    assert is_objective_task(objective)


# -- a value on a named scale is a from-to


@pytest.mark.parametrize(("text", "baseline", "target"), [
    ("Average pressure-ulcer severity from stage 3 to stage 2", 3.0, 2.0),
    ("Team maturity from level 2 to level 4", 2.0, 4.0),
    ("Customer support tier reached from tier 3 to 1", 3.0, 1.0),
])
def test_numbers_on_a_named_scale_are_baseline_and_target(
        text: str, baseline: float, target: float) -> None:
    parsed = parse_kr(text)
    assert (_value(parsed.baseline), _value(parsed.target)) == (baseline, target)


def test_a_scale_range_without_from_still_names_a_group() -> None:
    assert kr_codes("Tier 1–2 customers renewing from 80% to 88%") == set()


@pytest.mark.parametrize("text", ["Mean wind speed at the harbour mouth from Beaufort 6 to 4",
                                  "Average wave height on the crossing from 2.1m to 1.5m"])
def test_sea_and_wind_conditions_are_beyond_a_ferry_team(text: str) -> None:
    assert kr_codes(text) == {"kr_not_influenceable"}


# -- totals of a whole industry or market


@pytest.mark.parametrize("text", [
    "Global craft-beer industry sales from $110B to $120B",
    "UK pet-food market revenue from £3.2B to £3.6B",
    "Worldwide smartphone market volume from 1.2B to 1.3B units",
])
def test_an_industry_or_market_total_is_not_influenceable(text: str) -> None:
    assert kr_codes(text, "product") == {"kr_not_influenceable"}


def test_revenue_from_a_market_segment_stays_ours() -> None:
    assert kr_codes("Mid-market revenue from $4M to $5.5M", "sales") == set()


# -- practice and rehearsal counted per period is activity


@pytest.mark.parametrize("text", [
    "Fire drills per quarter from 1 to 3",
    "Band rehearsals per week from 2 to 4",
    "Sparring sessions per week from 3 to 5",
    "Mock exams per term from 1 to 3",
])
def test_practice_counted_per_period_is_output(text: str) -> None:
    assert kr_codes(text) == {"kr_output"}


# -- a time threshold inside the metric is not a target


@pytest.mark.parametrize("text", [
    "Library books overdue by more than 21 days, currently 9%",
    "Planning appeals waiting longer than 6 months (currently 40)",
    "Children in temporary care for more than 12 weeks, currently 18%",
])
def test_a_threshold_defining_the_metric_leaves_the_target_missing(text: str) -> None:
    assert kr_codes(text) == {"kr_missing_target"}


def test_a_metric_named_waiting_time_can_still_take_a_target() -> None:
    assert kr_codes("Clinic waiting time under 20 minutes, currently 35 minutes") == set()


def _value(q: object) -> float | None:
    return getattr(q, "value", None)
