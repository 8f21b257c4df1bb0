"""Reading a request: team, cycle, parent and count, deterministically against the store."""

from __future__ import annotations

from datetime import date

import pytest

from agents.draft_request import (
    Inputs,
    RequestExtraction,
    match_parent,
    parse_count,
    parse_cycle,
    resolve_team,
    understand,
)
from tools.okr_reads import company_objectives

TODAY = date(2026, 11, 16)


@pytest.fixture
def inputs(store) -> Inputs:
    return Inputs(teams=store.list_teams("demo"), cycles=store.list_cycles("demo"),
                  current=store.current_cycle("demo", TODAY), today=TODAY,
                  org_name="Northwind Analytics",
                  parents=company_objectives(store, "demo", None, TODAY))


def test_next_quarter_is_the_quarter_after_the_current_cycle(inputs):
    ref = parse_cycle("next quarter", inputs.cycles, inputs.current, TODAY)
    assert ref is not None
    assert (ref.name, ref.start, ref.end, ref.id) == (
        "2027-Q1", date(2027, 1, 1), date(2027, 3, 31), None)


def test_an_existing_cycle_is_named_with_its_stored_id(inputs):
    ref = parse_cycle("this quarter", inputs.cycles, inputs.current, TODAY)
    assert ref is not None and (ref.name, ref.id) == ("2026-Q4", "c-2026q4")


def test_a_bare_quarter_means_its_next_occurrence(inputs):
    ref = parse_cycle("Q3 OKRs", inputs.cycles, inputs.current, TODAY)
    assert ref is not None and ref.name == "2027-Q3"


def test_the_team_after_for_wins_over_a_verb_that_looks_like_a_team(inputs):
    team, _ = resolve_team("OKRs for Customer Success that support retention", inputs.teams)
    assert team is not None and team.id == "t-customer-success"


def test_a_misspelt_team_is_matched_fuzzily(inputs):
    team, _ = resolve_team("OKRs for Custmer Sucess", inputs.teams)
    assert team is not None and team.id == "t-customer-success"


def test_an_unknown_team_is_not_guessed(inputs):
    team, candidates = resolve_team("OKRs for the Legal team", inputs.teams)
    assert team is None and candidates == []


def test_retention_words_match_the_company_retention_objective(inputs):
    assert match_parent("the company retention objective", inputs.parents) == (
        "o-2026q4-1", "Keep and grow the customers we have")


def test_asking_for_a_key_result_picks_the_key_result(inputs):
    hit = match_parent("the company net revenue retention key result", inputs.parents)
    assert hit is not None and hit[1] == "Net revenue retention from 104% to 110%"


@pytest.mark.parametrize(("text", "count"), [("two objectives for Sales", 2),
                                              ("3 objectives", 3), ("one objective", 1),
                                              ("OKRs for Sales", None)])
def test_the_number_of_objectives_is_read_from_words_or_digits(text, count):
    assert parse_count(text) == count


def test_no_cycle_named_means_next_quarter_said_as_an_assumption(inputs):
    req = understand("draft OKRs for Support", inputs)
    assert req.cycle is not None and req.cycle.name == "2027-Q1"
    assert req.assumptions == ["no cycle named: drafting for the next quarter, 2027-Q1"]


def test_a_cycle_named_but_unreadable_asks_back(inputs):
    req = understand("OKRs for Sales for the second half of FY31", inputs)
    assert req.clarification is not None and "Which cycle" in req.clarification


def test_options_win_over_the_request_text(inputs):
    req = understand("draft OKRs for Sales next quarter", inputs, team="Support",
                     cycle="2027-Q2")
    assert (req.team_id, req.cycle.name if req.cycle else None) == ("t-support", "2027-Q2")


def test_a_model_extraction_is_resolved_by_the_same_rules(inputs):
    extraction = RequestExtraction(team="customer success team", cycle="2027-Q2",
                                   parent="retention", focus="onboarding", objectives=1)
    req = understand("whatever the model read", inputs, extraction=extraction)
    assert (req.team_id, req.cycle.name if req.cycle else None, req.parent_id, req.count,
            req.focus) == ("t-customer-success", "2027-Q2", "o-2026q4-1", 1, "onboarding")
