"""`okr risk FILE` follows the contract of docs/spec/risk.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from okr.quarter import load_quarter
from okr.risk import REASONS

Q01 = Path(__file__).resolve().parents[2] / "evals" / "data" / "risk-dev" / "q01.json"


def _json_output() -> dict[str, object]:
    result = CliRunner().invoke(app, ["risk", str(Q01), "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_json_is_one_object_with_as_of_and_key_results() -> None:
    assert set(_json_output()) == {"as_of", "key_results"}


def test_json_lists_key_results_in_file_order() -> None:
    data = _json_output()
    ids = [k["id"] for k in data["key_results"]]  # type: ignore[attr-defined]
    assert ids == [k.id for k in load_quarter(Q01).key_results]


def test_json_entries_follow_the_contract() -> None:
    for entry in _json_output()["key_results"]:  # type: ignore[attr-defined]
        assert set(entry) == {"id", "status", "p_miss", "forecast", "reasons", "explanation"}
        assert entry["status"] in {"on_track", "at_risk", "off_track"}
        assert 0 <= entry["p_miss"] <= 1 and 0 <= entry["forecast"] <= 1
        assert set(entry["reasons"]) <= set(REASONS) and entry["explanation"]


def test_table_without_json_shows_the_radar() -> None:
    result = CliRunner().invoke(app, ["risk", str(Q01)])
    assert result.exit_code == 0 and "Risk radar" in result.stdout


def test_bad_file_is_a_clear_error_with_exit_code_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"cycle": {"name": "x"}}', encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "api.cli", "risk", str(bad), "--json"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "not a valid quarter file" in proc.stderr
