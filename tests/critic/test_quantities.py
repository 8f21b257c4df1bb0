"""How key-result text is read into baseline, target, unit and change."""

from __future__ import annotations

import pytest

from okr.models import Direction
from okr.quantities import format_quantity, parse_kr, parse_quantity


def _bt(text: str) -> tuple[float | None, float | None]:
    p = parse_kr(text)
    return (p.baseline.value if p.baseline else None, p.target.value if p.target else None)


@pytest.mark.parametrize(
    ("text", "baseline", "target"),
    [
        ("MQLs from 300 to 500 per month", 300, 500),
        ("NPS 42 → 60", 42, 60),
        ("Reopen rate: 12% → 6%", 12, 6),
        ("Lead time 9 days -> 1 day", 9, 1),
        ("Build-cache hit rate 80% (baseline 40%)", 40, 80),
        ("Handling time cut by 30% (40 to 28 h)", 40, 28),
        ("Checkout p95 340ms→180ms", 340, 180),
        ("Signups +25% (200 → 250)", 200, 250),
        ("Cost per hire from £4,500 to £3,200", 4500, 3200),
        ("Self-serve LTV:CAC from 2.1:1 to 3:1", 2.1, 3),
        ("Upgrade-related incidents from 5 per quarter to 0", 5, 0),
        ("Median contract turnaround from 8 business days to 3", 8, 3),
        ("Churn 5% to 3%", 5, 3),
    ],
)
def test_reads_baseline_and_target_written_many_ways(text: str, baseline: float,
                                                     target: float) -> None:
    assert _bt(text) == (baseline, target)


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("Developer satisfaction to 4.2/5", 4.2),
        ("Grow SDR-sourced opportunities to 120 per quarter", 120),
        ("Reach 98% on-time carrier handover", 98),
        ("Uptime at least 99.9%", 99.9),
        ("Reduce churn below 5%", 5),
        ("Homepage bounce rate down to 35%", 35),
        ("Resolve 90% of tickets within 24 hours", 90),
    ],
)
def test_reads_a_target_without_a_baseline(text: str, target: float) -> None:
    assert _bt(text) == (None, target)


def test_a_qualifier_number_is_not_mistaken_for_a_baseline() -> None:
    assert _bt("Raise the share of patients seen within 4 hours to 95%") == (None, 95)


@pytest.mark.parametrize(
    ("text", "baseline"),
    [
        ("Track community forum members (currently 8,400)", 8400),
        ("Monitor churn, currently 5%", 5),
        ("Improve volunteer satisfaction (currently 7.2/10)", 7.2),
    ],
)
def test_reads_a_baseline_without_a_target(text: str, baseline: float) -> None:
    assert _bt(text) == (baseline, None)


def test_relative_increase_is_a_change_without_a_baseline() -> None:
    p = parse_kr("Increase signups by 20%")
    assert (p.relative_change, p.relative_unit, p.baseline) == (20.0, "%", None)


def test_points_change_is_read_with_its_unit() -> None:
    p = parse_kr("NPS up 10 points")
    assert (p.relative_change, p.relative_unit) == (10.0, "points")


def test_a_cut_by_percent_is_a_negative_change() -> None:
    assert parse_kr("Warranty cost cut by 35%").relative_change == -35.0


def test_double_is_a_multiple() -> None:
    p = parse_kr("Double weekly active teams")
    assert (p.relative_change, p.relative_unit) == (2.0, "x")


@pytest.mark.parametrize("text", ["Ship v3.0 by March", "Launch in Q3", "Host the gala by May 15",
                                  "Go live in 2026", "Finish the audit by 2026-06-30",
                                  "Make onboarding smoother"])
def test_dates_versions_and_plain_words_are_not_metric_numbers(text: str) -> None:
    assert parse_kr(text).has_numbers is False


@pytest.mark.parametrize(
    ("raw", "value", "unit"),
    [("$1.2M", 1_200_000, "USD"), ("€480k", 480_000, "EUR"), ("18k", 18_000, None),
     ("€2.1B", 2.1e9, "EUR"), ("2.8x", 2.8, "x"), ("340ms", 340, "ms"), ("12%", 12, "%"),
     ("4.2/5", 4.2, "/5"), ("310 ppm", 310, "ppm"), ("1,800 ms", 1800, "ms")],
)
def test_parses_suffixes_currencies_and_units(raw: str, value: float, unit: str | None) -> None:
    q = parse_quantity(raw)
    assert q is not None and q.value == pytest.approx(value) and q.unit == unit


def test_direction_compares_values_across_time_units() -> None:
    p = parse_kr("Median lead time from 3 days to 4 hours")
    assert p.direction is Direction.DECREASE


def test_direction_comes_from_the_verb_when_only_a_target_is_given() -> None:
    assert parse_kr("Cut outside-counsel spend to €400k per quarter").direction is (
        Direction.DECREASE)


def test_metric_words_drop_the_numbers() -> None:
    assert parse_kr("Monthly AWS bill from $410k to $330k").metric == "Monthly AWS bill"


def test_format_quantity_writes_currency_and_percent() -> None:
    assert (format_quantity(85.0, "%"), format_quantity(5.0, "USD"),
            format_quantity(None)) == ("85%", "$5", "?")


def test_halved_is_a_decreasing_multiple() -> None:
    p = parse_kr("Phishing click rate halved (from 12%)")
    assert (p.relative_change, p.direction) == (0.5, Direction.DECREASE)


def test_cut_in_half_with_the_metric_in_between_is_a_multiple() -> None:
    assert parse_kr("Cut churn in half").relative_change == 0.5


def test_zero_in_words_is_a_number() -> None:
    assert _bt("Zero critical incidents (baseline 4)") == (4, 0)


def test_signed_values_keep_their_sign() -> None:
    assert _bt("Branch NPS from -5 to +30") == (-5, 30)
