"""Each quality rule of docs/spec/okr-quality.md, one behaviour per test."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from okr.quality import (
    Critique,
    FindingCode,
    KRInput,
    OKRInput,
    Severity,
    assess_kr,
    critique,
    critique_many,
    is_objective_task,
    is_objective_vague,
    score_findings,
)

Factory = Callable[..., OKRInput]


def codes(c: Critique) -> set[tuple[str, str]]:
    return {(f.code.value, f.target) for f in c.findings}


def kr_codes(text: str, function: str | None = "product", **fields: object) -> set[str]:
    return {c.value for c in assess_kr(KRInput.model_validate({"text": text, **fields}),
                                       function).codes}


def test_a_well_formed_okr_has_no_findings_and_is_publishable(okr_factory: Factory) -> None:
    c = critique(okr_factory())
    assert (c.findings, c.publishable, c.score) == ([], True, 100)


# -- objective

@pytest.mark.parametrize("objective", ["Improve things", "Be the best", "Do better at sales",
                                       "Strive for excellence", "Keep getting better",
                                       "Make data great", "Do amazing things", "Sell more"])
def test_objectives_without_direction_or_scope_are_vague(objective: str) -> None:
    assert is_objective_vague(objective)


@pytest.mark.parametrize("objective", ["Make legal spend predictable", "Grow revenue",
                                       "Reduce churn among APAC mid-market customers",
                                       "Keep the machines running when production needs them"])
def test_short_objectives_with_direction_and_scope_are_not_vague(objective: str) -> None:
    assert not is_objective_vague(objective)


@pytest.mark.parametrize("objective", ["Launch the new website", "Migrate billing to Stripe",
                                       "Implement Anaplan for budgeting",
                                       "Roll out Kubernetes 1.30 across all clusters",
                                       "Achieve ISO 27001 certification",
                                       "Host our annual user conference in Lisbon"])
def test_objectives_naming_a_deliverable_are_tasks(objective: str) -> None:
    assert is_objective_task(objective)


@pytest.mark.parametrize("objective", [
    "Build a demand engine that consistently fills the top of funnel",
    "Build more good units per shift on Line 2",
    "Issue building permits fast enough that projects are never held up",
    "Build trust with the communities we serve"])
def test_delivery_verbs_with_an_outcome_are_not_tasks(objective: str) -> None:
    assert not is_objective_task(objective)


def test_a_vague_objective_is_not_also_reported_as_a_task(okr_factory: Factory) -> None:
    assert codes(critique(okr_factory("Deliver great things"))) == {
        ("objective_vague", "objective")}


# -- set size

def test_one_key_result_is_too_few(okr_factory: Factory) -> None:
    assert ("too_few_krs", "set") in codes(critique(okr_factory(krs=["NPS from 30 to 40"])))


def test_no_key_results_is_only_too_few(okr_factory: Factory) -> None:
    assert codes(critique(okr_factory(krs=[]))) == {("too_few_krs", "set")}


def test_six_key_results_are_too_many(okr_factory: Factory) -> None:
    krs = [f"Metric {n} rate from {n}% to {n + 10}%" for n in range(6)]
    assert codes(critique(okr_factory(krs=krs))) == {("too_many_krs", "set")}


# -- key results

@pytest.mark.parametrize("text", ["Launch 3 campaigns", "Publish 12 blog posts",
                                  "Ship v3.0 by March", "Close 40 Jira tickets",
                                  "Hire 20 engineers", "Run 25 customer interviews",
                                  "Outbound emails per week from 250 to 400",
                                  "Webinars hosted per month from 2 to 6",
                                  "Complete SOC 2 Type II audit by June 30",
                                  "Resurface 30 km of road", "Make 200 outbound calls per week"])
def test_work_done_is_an_output(text: str) -> None:
    assert kr_codes(text) == {"kr_output"}


@pytest.mark.parametrize("text", ["Ship rate of zero-downtime deploys from 80% to 100%",
                                  "Close $2M of new business (baseline $1.4M)",
                                  "Resolve 90% of tickets within 24 hours (baseline 70%)",
                                  "Integration-related support tickets from 450 to 250",
                                  "Post-close adjusting entries from 60 to 30",
                                  "Orders shipped the same day: 82% → 95%"])
def test_outcomes_that_mention_work_are_not_outputs(text: str) -> None:
    assert "kr_output" not in kr_codes(text)


@pytest.mark.parametrize("text", ["Improve customer happiness", "Make onboarding smoother",
                                  "Foster a culture of belonging", "Build trust with donors",
                                  "Create a stronger employer brand",
                                  "Better relationships with outside counsel"])
def test_a_key_result_with_no_metric_is_only_not_measurable(text: str) -> None:
    assert kr_codes(text) == {"kr_not_measurable"}


@pytest.mark.parametrize("text", ["Grow MQLs to 500/month", "Increase signups by 20%",
                                  "NPS up 10 points", "Developer satisfaction to 4.2/5",
                                  "Cut first-renewal churn to 8%"])
def test_a_target_without_a_starting_value_misses_its_baseline(text: str) -> None:
    assert kr_codes(text) == {"kr_missing_baseline"}


@pytest.mark.parametrize("text", ["Track weekly active users", "Monitor churn, currently 5%",
                                  "Engagement-survey participation rate, reported monthly",
                                  "Grow weekly active users (currently 140)"])
def test_a_metric_without_a_value_to_reach_misses_its_target(text: str) -> None:
    assert kr_codes(text) == {"kr_missing_target"}


@pytest.mark.parametrize(("text", "function"), [
    ("Company share price from $40 to $60", "design"),
    ("Competitor churn from 10% to 20%", "marketing"),
    ("Central bank base rate from 4.5% to 3.5%", "finance"),
    ("EUR/USD exchange rate from 1.08 to 1.15", "finance"),
    ("National GDP growth from 1.8% to 2.5%", "government"),
    ("Industry-wide attrition from 15% to 10%", "people"),
    ("Seasonal influenza cases in the county from 1,200 to 800", "healthcare"),
    ("Average sunshine hours per month from 120 to 160", "operations")])
def test_metrics_the_team_cannot_move_are_not_influenceable(text: str, function: str) -> None:
    assert kr_codes(text, function) == {"kr_not_influenceable"}


def test_share_price_is_influenceable_for_investor_relations() -> None:
    assert kr_codes("Share price from $40 to $60", "investor relations") == set()


def test_a_global_metric_of_our_own_customers_is_influenceable() -> None:
    assert kr_codes("Global ARR from our customers from $10M to $12M", "sales") == set()


def test_not_influenceable_stands_alone_even_without_a_baseline() -> None:
    assert kr_codes("Competitor NPS down to 20", "marketing") == {"kr_not_influenceable"}


def test_structured_fields_are_authoritative_over_the_text() -> None:
    assert kr_codes("Email-driven upgrades to 900 per month", target=900, baseline=400) == set()


def test_a_structured_target_without_baseline_misses_its_baseline() -> None:
    assert kr_codes("Upgrades per month", metric="upgrades", target=900) == {
        "kr_missing_baseline"}


def test_a_structured_baseline_without_target_misses_its_target() -> None:
    assert kr_codes("Unsubscribe rate", metric="unsubscribe rate", baseline=0.6) == {
        "kr_missing_target"}


# -- team

def test_more_than_five_objectives_in_a_team_and_cycle_flag_every_one(
        okr_factory: Factory) -> None:
    okrs = [okr_factory(id=f"o{i}") for i in range(6)]
    assert all(("too_many_objectives", "team") in codes(c) for c in critique_many(okrs))


def test_five_objectives_in_a_team_and_cycle_are_fine(okr_factory: Factory) -> None:
    okrs = [okr_factory(id=f"o{i}") for i in range(5)]
    assert all(c.findings == [] for c in critique_many(okrs))


def test_objectives_count_per_cycle_and_team_separately(okr_factory: Factory) -> None:
    okrs = ([okr_factory(id=f"q1-{i}", cycle="2026-Q1") for i in range(3)]
            + [okr_factory(id=f"q2-{i}", cycle="2026-Q2") for i in range(3)]
            + [okr_factory(id=f"x-{i}", team="Other") for i in range(2)])
    assert all(c.findings == [] for c in critique_many(okrs))


def test_critique_many_keeps_input_order(okr_factory: Factory) -> None:
    ids = [f"o{i}" for i in (3, 1, 2)]
    assert [c.id for c in critique_many([okr_factory(id=i) for i in ids])] == ids


# -- severity, score, messages

def test_a_kr_error_blocks_publishing(okr_factory: Factory) -> None:
    c = critique(okr_factory(krs=["Activation rate from 27% to 40%", "Launch 3 campaigns"]))
    assert (c.publishable, c.findings[0].severity) == (False, Severity.ERROR)


def test_warnings_alone_do_not_block_publishing(okr_factory: Factory) -> None:
    krs = [f"Metric {n} rate from {n}% to {n + 10}%" for n in range(7)]
    c = critique(okr_factory(krs=krs))
    assert (c.publishable, c.score) == (True, 95)


def test_a_blocked_okr_scores_below_seventy(okr_factory: Factory) -> None:
    c = critique(okr_factory(krs=["Activation rate from 27% to 40%", "Launch 3 campaigns"]))
    assert c.score == 69


def test_score_never_goes_below_zero(okr_factory: Factory) -> None:
    c = critique(okr_factory("Do good", krs=["Be nicer"] * 8))
    assert score_findings(c.findings) == 0


def test_missing_baseline_suggestion_names_the_metric_and_target() -> None:
    c = critique(OKRInput.model_validate({
        "id": "x", "objective": "Fill the top of the funnel with buyers who convert",
        "key_results": [{"text": "Grow MQLs to 500 per month"},
                        {"text": "Cost per MQL from $120 to $85"}]}))
    assert c.findings[0].suggestion == "MQLs per month from ? to 500: add the current value."


def test_missing_target_suggestion_keeps_the_baseline() -> None:
    f = critique(OKRInput.model_validate({
        "id": "x", "objective": "Turn members into regular visitors of the forum",
        "key_results": [{"text": "Track forum members (currently 8,400)"},
                        {"text": "Weekly returning members from 12% to 20%"}]})).findings[0]
    assert (f.code, f.suggestion) == (FindingCode.KR_MISSING_TARGET,
                                      "Forum members from 8,400 to ?: add the value you aim "
                                      "to reach.")


def test_every_finding_has_a_message_and_a_suggestion(okr_factory: Factory) -> None:
    c = critique(okr_factory("Launch the app", krs=["Be better", "Track WAU", "To 50%"]))
    assert all(f.message and f.suggestion for f in c.findings)


def test_a_key_result_given_only_as_structured_fields_uses_its_metric_as_text() -> None:
    kr = KRInput.model_validate({"metric": "pick accuracy", "baseline": 99.1, "target": 99.7})
    assert (kr.text, assess_kr(kr).codes) == ("pick accuracy", ())
