"""`okr tree` and `okr health`: their rendering, and the commands over a real store."""

from __future__ import annotations

from datetime import date

import pytest
from rich.console import Console
from typer.testing import CliRunner

from api.cli import app
from api.commands.views import render_health, render_tree
from okr.alignment import alignment_tree
from okr.demo import build_demo_org
from okr.health import programme_health
from okr.store import Store


def _render(renderable: object, *, styles: bool = False) -> str:
    console = Console(record=True, width=200, force_terminal=True, color_system="standard")
    console.print(renderable)
    return console.export_text(styles=styles)


def test_tree_shows_objectives_key_results_scores_and_findings(small):
    text = _render(render_tree(small, alignment_tree(small, "c-1")))
    assert "Acme — 2026-04" in text
    assert "0.40  c1-1" in text
    assert "Team a  [A]" in text
    assert "gap: no team supports “Company two” (o-c2)" in text
    assert "unaligned: “Team c” [C]" in text


def test_tree_colours_scores_by_status_band(small):
    text = _render(render_tree(small, alignment_tree(small, "c-1")), styles=True)
    assert "\x1b[1;32m1.00" in text
    assert "\x1b[1;33m0.40" in text
    assert "\x1b[1;31m0.20" in text


def test_health_table_shows_each_figure_with_its_working(small):
    text = _render(render_health(small, programme_health(small, "c-1", date(2026, 4, 30))))
    assert "75% (3/4)" in text
    assert "67% (4/6)" in text
    assert "Company two" in text
    assert "a2, b1" in text


@pytest.fixture
def stored_demo(tmp_path, monkeypatch):
    monkeypatch.delenv("OKR_DATABASE_URL", raising=False)
    monkeypatch.delenv("OKR_ORG", raising=False)
    monkeypatch.setenv("OKR_DATA_DIR", str(tmp_path))
    store = Store(f"sqlite:///{tmp_path / 'quarterdeck.sqlite3'}")
    store.save_snapshot(build_demo_org("demo", date(2026, 12, 4)))
    store.close()


def test_tree_command_prints_the_named_cycle_from_the_store(stored_demo):
    result = CliRunner().invoke(app, ["tree", "--cycle", "2026-Q3"])
    assert result.exit_code == 0, result.output
    assert "Northwind Analytics — 2026-Q3" in result.output
    assert "Keep and grow the customers we have" in result.output


def test_commands_default_to_the_current_cycle_of_the_named_org(stored_demo):
    result = CliRunner().invoke(app, ["tree", "--org", "demo"])
    assert result.exit_code == 0, result.output
    assert "2026-Q" in result.output


def test_an_empty_organisation_is_told_how_to_get_data(stored_demo):
    result = CliRunner().invoke(app, ["health", "--org", "nobody"])
    assert result.exit_code == 2
    assert "okr demo" in result.output


def test_health_command_prints_the_programme_figures(stored_demo):
    result = CliRunner().invoke(app, ["health", "--cycle", "2026-Q4"])
    assert result.exit_code == 0, result.output
    assert "adoption" in result.output and "check-in rate" in result.output


def test_unknown_cycle_is_a_clear_error_and_exit_code_two(stored_demo):
    result = CliRunner().invoke(app, ["tree", "--cycle", "1999-Q1"])
    assert result.exit_code == 2
    assert "no cycle '1999-Q1'" in result.output
    assert "Traceback" not in result.output
