"""Programme-health figures on a small organisation whose answers are worked out by hand.

The snapshot and its answers are described in `conftest.small`.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from okr.health import programme_health, working_teams

END = date(2026, 4, 30)


def test_working_teams_are_those_without_sub_teams(small):
    assert working_teams(small) == ("t-a", "t-b", "t-c", "t-d")


def test_adoption_counts_working_teams_with_a_published_objective(small):
    adoption = programme_health(small, "c-1", END).adoption
    assert (adoption.numerator, adoption.denominator) == (3, 4)
    assert adoption.value == 0.75


def test_check_in_rate_counts_key_results_checked_in_within_seven_days(small):
    rate = programme_health(small, "c-1", END).check_in_rate
    assert (rate.numerator, rate.denominator) == (4, 6)
    assert "7 days" in rate.basis


def test_alignment_coverage_counts_team_objectives_reaching_a_company_objective(small):
    coverage = programme_health(small, "c-1", END).alignment_coverage
    assert (coverage.numerator, coverage.denominator) == (2, 3)


def test_stale_key_results_have_no_check_in_for_fourteen_days_or_never(small):
    stale = programme_health(small, "c-1", END).stale
    assert [(s.kr_id, s.days_since) for s in stale] == [("a2", 20), ("b1", None)]


def test_score_distribution_counts_bands_tenths_mean_and_median(small):
    scores = programme_health(small, "c-1", END).scores
    assert (scores.on_track, scores.at_risk, scores.off_track) == (2, 2, 2)
    assert scores.histogram == (1, 0, 1, 0, 1, 1, 0, 0, 1, 1)
    assert scores.mean == pytest.approx(2.9 / 6)
    assert scores.median == pytest.approx(0.45)


def test_gaps_counts_and_expected_progress_are_reported(small):
    health = programme_health(small, "c-1", END)
    assert [g.id for g in health.gaps] == ["o-c2"]
    assert (health.teams, health.objectives, health.key_results, health.check_ins) == (4, 5, 6, 6)
    assert health.expected_progress == 1.0


def test_check_ins_after_the_date_are_ignored(small):
    health = programme_health(small, "c-1", date(2026, 4, 21))
    assert health.check_in_rate.numerator == 1
    assert sorted(s.kr_id for s in health.stale) == ["b1", "c-1", "c1-1", "c2-1"]
    assert health.check_ins == 2


def test_nothing_is_stale_in_the_first_two_weeks_of_a_cycle(small):
    assert programme_health(small, "c-1", date(2026, 4, 5)).stale == ()


def test_a_finished_cycle_is_judged_on_its_last_day(small):
    later = programme_health(small, "c-1", date(2026, 6, 1))
    assert later.as_of == END
    assert later == programme_health(small, "c-1", END)


def test_empty_cycle_gives_zero_rates_not_errors(small):
    empty = dataclasses.replace(small, objectives=())
    health = programme_health(empty, "c-1", END)
    assert (health.adoption.value, health.check_in_rate.value) == (0.0, 0.0)
    assert health.scores.total == 0 and health.scores.mean == 0.0


def test_demo_current_quarter_has_healthy_but_imperfect_figures(demo):
    health = programme_health(demo, as_of=date(2026, 12, 4))
    assert health.cycle.name == "2026-Q4"
    assert 0.5 < health.adoption.value < 1.0
    assert 0.5 < health.check_in_rate.value < 1.0
    assert 0.5 < health.alignment_coverage.value < 1.0
