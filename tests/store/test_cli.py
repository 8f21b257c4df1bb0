"""The `okr` store commands, run through Typer's test runner against a real store."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from api.cli import app

QUARTER = Path(__file__).resolve().parents[2] / "evals" / "data" / "risk-dev" / "q01.json"
Okr = Callable[..., Result]


@pytest.fixture
def okr(store_url: str, tmp_path: Path) -> Okr:
    """Runs `okr ARGS` with the settings pointing at this test's database."""
    env = {"OKR_DATA_DIR": str(tmp_path / "data"), "OKR_DATABASE_URL": store_url,
           "OKR_ORG": "acme", "COLUMNS": "200"}

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, list(args), env=env)
    return run


def test_init_creates_the_organisation(okr: Okr) -> None:
    result = okr("init", "--name", "Acme Inc")
    assert result.exit_code == 0, result.output
    assert "Acme Inc" in result.stdout


def test_import_then_export_reproduces_the_quarter_file(okr: Okr) -> None:
    assert okr("import", str(QUARTER)).exit_code == 0
    exported = okr("export", "--format", "quarter", "--cycle", "2023-Q3")
    assert exported.exit_code == 0
    assert exported.stdout == QUARTER.read_text()


def test_export_defaults_to_the_latest_cycle_and_can_write_a_file(okr: Okr,
                                                                  tmp_path: Path) -> None:
    okr("import", str(QUARTER))
    out = tmp_path / "out.json"
    assert okr("export", "--out", str(out)).exit_code == 0
    assert out.read_text() == QUARTER.read_text()


def test_organisation_json_export_imports_into_another_store_org(okr: Okr,
                                                                 tmp_path: Path) -> None:
    okr("import", str(QUARTER))
    out = tmp_path / "org.json"
    assert okr("export", "--format", "json", "--out", str(out)).exit_code == 0
    data = json.loads(out.read_text())
    assert data["organisation"]["id"] == "acme" and len(data["objectives"]) == 37
    okr("init", "--org", "copy")
    data["organisation"]["id"] = "copy"
    for key in ("teams", "people", "cycles", "objectives", "alignments", "dependencies"):
        for item in data[key]:
            item["org_id"] = "copy"
            for kr in item.get("key_results", []):
                kr["org_id"] = "copy"
    out.write_text(json.dumps(data))
    assert okr("import", str(out), "--org", "copy").exit_code == 0
    again = okr("export", "--org", "copy", "--cycle", "2023-Q3")
    assert json.loads(again.stdout)["key_results"][0]["check_ins"] == \
        json.loads(QUARTER.read_text())["key_results"][0]["check_ins"]


def test_list_filters_by_team_name(okr: Okr) -> None:
    okr("import", str(QUARTER))
    result = okr("list", "--cycle", "2023-Q3", "--team", "Sales")
    assert result.exit_code == 0
    assert "Open a partner channel" in result.stdout
    assert "Make forecasting" not in result.stdout


def test_checkin_then_show_lists_it_with_history(okr: Okr) -> None:
    okr("import", str(QUARTER))
    result = okr("checkin", "kr-1", "44", "--confidence", "0.7", "--note", "big deal closed")
    assert result.exit_code == 0, result.output
    shown = okr("show", "kr-1")
    assert "big deal closed" in shown.stdout
    assert "checked_in" in shown.stdout


def test_show_objective_lists_its_key_results(okr: Okr) -> None:
    okr("import", str(QUARTER))
    shown = okr("show", "o-1")
    assert shown.exit_code == 0
    assert "kr-1" in shown.stdout and "kr-2" in shown.stdout


def test_csv_import_by_extension(okr: Okr, tmp_path: Path) -> None:
    sheet = tmp_path / "okrs.csv"
    sheet.write_text("team,cycle,objective,key result,baseline,target,unit,owner email,parent\n"
                     "Sales,2024-Q1,Win,ARR,2,3,$M,ana@acme.test,\n")
    assert okr("import", str(sheet)).exit_code == 0
    assert "Win" in okr("list").stdout


@pytest.mark.parametrize("args, message", [
    (("checkin", "kr-404", "3"), "kr-404"),
    (("checkin", "kr-1", "lots"), "not a number"),
    (("checkin", "kr-1", "3", "--confidence", "1.5"), "between 0 and 1"),
    (("show", "nothing"), "nothing"),
    (("export", "--format", "yaml"), "unknown format"),
    (("import", "missing.json"), "no such file"),
])
def test_user_mistakes_exit_2_with_a_message_and_no_traceback(okr: Okr, args: tuple[str, ...],
                                                              message: str) -> None:
    okr("import", str(QUARTER))
    result = okr(*args)
    assert result.exit_code == 2
    assert "error:" in result.stderr and message in result.stderr
    assert "Traceback" not in result.output


def test_bad_csv_row_exits_2_naming_the_row_and_writes_nothing(okr: Okr, tmp_path: Path) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text("team,cycle,objective,key result,baseline,target,unit,owner email,parent\n"
                     "Sales,2024-Q1,Win,ARR,2,3,$M,ana@acme.test,\n"
                     "Sales,2024-Q1,Win,Logos,ten,20,,ana@acme.test,\n")
    result = okr("import", str(sheet))
    assert result.exit_code == 2 and "row 3" in result.stderr
    assert "no cycles" in okr("list").stderr


def test_demo_seeds_and_reset_reseeds(okr: Okr) -> None:
    assert okr("demo").exit_code == 0
    first = okr("list").stdout
    assert okr("demo", "--reset").exit_code == 0
    assert okr("list").stdout == first


def test_unreachable_database_is_a_clear_error_without_the_password(tmp_path: Path) -> None:
    env = {"OKR_DATA_DIR": str(tmp_path),
           "OKR_DATABASE_URL": "postgresql+psycopg://qd:hunter2@127.0.0.1:9/nowhere"}
    result = CliRunner().invoke(app, ["list"], env=env)
    assert result.exit_code == 2
    assert "cannot open the store" in result.stderr
    assert "hunter2" not in result.output
