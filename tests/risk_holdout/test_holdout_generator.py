"""The hold-out quarter generator writes valid, honestly labelled, reproducible quarters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.holdout_quarters import SHAPES, generate_quarter, score_of, write_quarters
from okr.quarter import load_quarter


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("holdout")
    write_quarters(out, count=2, seed=11)
    return out


def test_written_files_parse_as_quarter_files_with_an_outcome_per_key_result(
        folder: Path) -> None:
    for path in sorted(folder.glob("q??.json")):
        quarter = load_quarter(path)
        outcome = json.loads(path.with_name(path.stem + ".outcome.json").read_text("utf-8"))
        assert set(outcome) == {kr.id for kr in quarter.key_results}
        assert 60 <= len(quarter.key_results) <= 120


def test_as_of_falls_between_35_and_75_percent_of_the_cycle() -> None:
    for i in range(4):
        q = generate_quarter(5, i).quarter
        share = (q.as_of - q.cycle.start).days / (q.cycle.end - q.cycle.start).days
        assert 0.34 <= share <= 0.76


def test_no_check_in_in_the_file_is_after_as_of() -> None:
    hq = generate_quarter(7, 0)
    dates = [c.date for kr in hq.quarter.key_results for c in kr.check_ins]
    assert dates and max(dates) <= hq.quarter.as_of
    full = [c.date for kr in hq.full_cycle.key_results for c in kr.check_ins]
    assert max(full) > hq.quarter.as_of


def test_outcome_is_progress_at_the_last_check_in_of_the_whole_cycle() -> None:
    hq = generate_quarter(3, 1)
    for kr in hq.full_cycle.key_results:
        last = max(kr.check_ins, key=lambda c: c.date).value if kr.check_ins else None
        expected = score_of(last, kr.baseline, kr.target, kr.kind)
        got = hq.outcome[kr.id]
        assert got["final_score"] == pytest.approx(expected, abs=1e-4)
        assert got["missed"] == (got["final_score"] < 0.7)


def test_milestones_report_only_zero_or_one() -> None:
    hq = generate_quarter(3, 2)
    values = {c.value for kr in hq.full_cycle.key_results if kr.kind == "milestone"
              for c in kr.check_ins}
    assert values <= {0, 1}


def test_the_cut_file_is_the_whole_cycle_truncated_at_as_of() -> None:
    hq = generate_quarter(9, 0)
    for cut, full in zip(hq.quarter.key_results, hq.full_cycle.key_results, strict=True):
        assert cut.check_ins == [c for c in full.check_ins if c.date <= hq.quarter.as_of]


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_quarters(a, 1, seed=42)
    write_quarters(b, 1, seed=42)
    write_quarters(c, 1, seed=43)
    assert (a / "q01.json").read_bytes() == (b / "q01.json").read_bytes()
    assert (a / "q01.outcome.json").read_bytes() == (b / "q01.outcome.json").read_bytes()
    assert (a / "q01.json").read_bytes() != (c / "q01.json").read_bytes()


def test_a_dominant_shape_makes_up_most_of_the_quarter() -> None:
    shapes = list(generate_quarter(1, 0, shape="late_surge").shapes.values())
    assert shapes.count("late_surge") / len(shapes) > 0.5


def test_stale_owners_have_no_check_in_in_the_two_weeks_before_as_of() -> None:
    hq = generate_quarter(2, 0, shape="stale_but_fine")
    kinds = hq.shapes
    for kr in hq.quarter.key_results:
        if kinds[kr.id] == "stale_but_fine" and kr.check_ins:
            assert (hq.quarter.as_of - kr.check_ins[-1].date).days >= 14


def test_an_unknown_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown shape"):
        generate_quarter(1, 0, shape="nope")
    assert "overconfident" in SHAPES
