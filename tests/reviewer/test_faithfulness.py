"""The number check reads every number in a narrative and accepts only the facts' forms."""

from __future__ import annotations

from agents.faithfulness import check, check_tokens
from okr.review_facts import number_tokens


def test_a_correct_sentence_passes(qbr_facts):
    mean = qbr_facts.shown("score:mean_objective")
    n = qbr_facts.shown("count:objectives")
    verdict = check(f"The {n} objectives scored {mean} on average.", qbr_facts)
    assert verdict.ok
    assert verdict.numbers == (n, mean)


def test_a_planted_wrong_number_is_caught(qbr_facts):
    mean = qbr_facts.shown("score:mean_objective")
    text = (f"The objectives scored {mean} on average and revenue grew by 4242.5 "
            "against plan.")
    verdict = check(text, qbr_facts)
    assert verdict.unsupported == ("4242.5",)


def test_rounding_a_fact_differently_is_caught(qbr_facts):
    fact = qbr_facts.fact("health:adoption:denominator")
    score = qbr_facts.fact("score:mean_objective")
    coarse = f"{float(score.value):.1f}"
    assert coarse not in score.display
    verdict = check(f"{fact.shown} teams averaged {coarse}.", qbr_facts,
                    ["health:adoption:denominator", "score:mean_objective"])
    assert verdict.unsupported == (coarse,)


def test_a_percent_form_is_only_accepted_when_listed():
    allowed = {"0.62", "62%"}
    assert check_tokens("It stands at 62%, that is 0.62.", allowed).ok
    assert check_tokens("It stands at 60%.", allowed).unsupported == ("60%",)


def test_cycle_names_years_dates_and_ids_are_not_measurements(qbr_facts):
    text = ("In 2026-Q3 (2026-07-01 to 2026-09-30), kr-2026q3-4-1 was the 3rd key result "
            "to slip in 2026.")
    assert check(text, qbr_facts).ok


def test_a_minus_sign_on_a_rise_is_caught():
    allowed = set(number_tokens("+0.08")) | set(number_tokens("0.08"))
    assert check_tokens("Up 0.08, or +0.08.", allowed).ok
    assert check_tokens("Down -0.08.", allowed).unsupported == ("-0.08",)


def test_number_reader_normalises_forms():
    assert number_tokens("$1,200.50M, +0.620, -0.10, 45 %, Q4, 3rd, kr-1-2") == [
        "1200.5", "0.62", "-0.1", "45%"]
