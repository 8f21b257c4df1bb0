"""`okr review` on the demo organisation in a store under a temporary folder."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app


@pytest.fixture
def env(tmp_path, monkeypatch) -> dict[str, str]:
    for var in ("OKR_LLM_BASE_URL", "OKR_LLM_MODEL", "OKR_LLM_API_KEY", "OKR_DATABASE_URL",
                "OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_API_KEY", "OKR_CHROMA_URL"):
        monkeypatch.delenv(var, raising=False)
    env = {"OKR_DATA_DIR": str(tmp_path / "data"), "OKR_ORG": "demo"}
    result = CliRunner().invoke(app, ["demo"], env=env)
    assert result.exit_code == 0, result.output
    return env


def test_qbr_html_is_written_with_charts(env, tmp_path):
    out = tmp_path / "qbr.html"
    result = CliRunner().invoke(app, ["review", "--kind", "qbr", "--cycle", "2026-Q3",
                                      "--format", "html", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Quarterly business review — Northwind Analytics, 2026-Q3" in page
    assert page.count("data:image/png;base64,") == 4


def test_json_of_a_team_retro_goes_to_stdout(env):
    result = CliRunner().invoke(app, ["review", "--kind", "retro", "--cycle", "2026-Q3",
                                      "--team", "Sales", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["scope"]["name"] == "Sales"
    ids = [s["id"] for s in data["sections"]]
    assert ids[0] == "summary" and all(i.startswith("objective:") for i in ids[1:])


@pytest.mark.parametrize("args", [["--team", "Astronauts"], ["--cycle", "1999-Q1"],
                                  ["--kind", "poem"], ["--format", "pdf"]])
def test_unknown_team_cycle_kind_or_format_exits_2(env, args):
    result = CliRunner().invoke(app, ["review", *args], env=env)
    assert result.exit_code == 2, result.output
