"""The `okr critique FILE [--json]` contract (docs/spec/okr-quality.md)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app

runner = CliRunner()

GOOD = {"id": "ok-1", "team": {"name": "Growth", "function": "marketing"}, "cycle": "2026-Q1",
        "objective": "Build a demand engine that consistently fills the top of funnel",
        "key_results": [{"text": "MQLs from 300 to 500 per month"},
                        {"text": "Cost per MQL from $120 to $85"}]}
WEAK = {"id": "ok-2", "objective": "Launch the new website",
        "key_results": [{"text": "Grow MQLs to 500/month"}]}


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "okrs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_json_prints_one_object_per_line_in_input_order(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps(WEAK), json.dumps(GOOD))
    result = runner.invoke(app, ["critique", str(path), "--json"])
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["ok-2", "ok-1"]


def test_json_objects_have_exactly_the_contract_keys(tmp_path: Path) -> None:
    result = runner.invoke(app, ["critique", str(_write(tmp_path, json.dumps(WEAK))), "--json"])
    out = json.loads(result.stdout)
    assert (set(out), set(out["findings"][0])) == (
        {"id", "score", "publishable", "findings"},
        {"code", "target", "severity", "message", "suggestion"})


def test_all_good_lines_exit_zero(tmp_path: Path) -> None:
    result = runner.invoke(app, ["critique", str(_write(tmp_path, json.dumps(GOOD))), "--json"])
    assert (result.exit_code, json.loads(result.stdout)["publishable"]) == (0, True)


def test_a_broken_line_is_reported_on_stderr_with_its_number(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps(GOOD), '{"id": "x", "objective": ', json.dumps(WEAK))
    result = runner.invoke(app, ["critique", str(path), "--json"])
    assert "line 2" in result.stderr and "broken JSON" in result.stderr


def test_other_lines_are_still_critiqued_after_a_bad_line(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps(GOOD), "not json", json.dumps(WEAK))
    result = runner.invoke(app, ["critique", str(path), "--json"])
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["ok-1", "ok-2"]


def test_bad_lines_make_the_exit_code_one(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps(GOOD), "not json")
    assert runner.invoke(app, ["critique", str(path), "--json"]).exit_code == 1


def test_a_missing_objective_is_named_on_stderr(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps({"id": "x", "key_results": []}))
    result = runner.invoke(app, ["critique", str(path), "--json"])
    assert "line 1" in result.stderr and "objective: missing" in result.stderr


def test_a_wrongly_typed_field_is_a_bad_line(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps({"id": "x", "objective": 5}))
    result = runner.invoke(app, ["critique", str(path), "--json"])
    assert (result.exit_code, result.stdout, "objective" in result.stderr) == (1, "", True)


def test_blank_lines_are_skipped_and_line_numbers_still_count_them(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps(GOOD), "", "   ", "[1]")
    result = runner.invoke(app, ["critique", str(path), "--json"])
    assert (len(result.stdout.splitlines()), "line 4" in result.stderr) == (1, True)


def test_a_missing_file_exits_two(tmp_path: Path) -> None:
    assert runner.invoke(app, ["critique", str(tmp_path / "nope.jsonl")]).exit_code == 2


def test_the_readable_report_shows_score_findings_and_suggestions(tmp_path: Path) -> None:
    result = runner.invoke(app, ["critique", str(_write(tmp_path, json.dumps(WEAK)))])
    assert all(s in result.stdout for s in ("ok-2", "score", "blocked", "objective_is_task",
                                            "fix:", "from ? to 500/month"))


def test_the_dev_file_follows_the_contract(tmp_path: Path) -> None:
    dev = Path(__file__).parents[2] / "evals" / "data" / "critic-dev.jsonl"
    result = runner.invoke(app, ["critique", str(dev), "--json"])
    ids = [json.loads(line)["id"] for line in dev.read_text().splitlines() if line.strip()]
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ids
