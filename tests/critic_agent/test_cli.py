"""`okr critique --objective ID` and `okr publish ID`, through Typer's runner on a real store."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from api.cli import app
from okr.models import ObjectiveState
from okr.store import Store

Okr = Callable[..., Result]


@pytest.fixture
def okr(store: Store, store_url: str, tmp_path: Path) -> Okr:
    """Runs `okr ARGS` offline against the fixture store (organisation acme)."""
    env = {"OKR_DATA_DIR": str(tmp_path / "data"), "OKR_DATABASE_URL": store_url,
           "OKR_ORG": "acme", "COLUMNS": "200", "OKR_LLM_BASE_URL": "", "OKR_LLM_MODEL": "",
           "OPENAI_BASE_URL": "", "OPENAI_MODEL": ""}

    def run(*args: str) -> Result:
        return CliRunner().invoke(app, list(args), env=env)
    return run


def test_critique_objective_json_has_the_file_contract_shape(okr: Okr) -> None:
    result = okr("critique", "--objective", "o-bad", "--json")
    out = json.loads(result.stdout)
    assert result.exit_code == 0
    assert (set(out), set(out["findings"][0])) == (
        {"id", "score", "publishable", "findings"},
        {"code", "target", "severity", "message", "suggestion"})
    assert (out["id"], out["publishable"]) == ("o-bad", False)


def test_critique_objective_report_shows_engine_and_rewrites(okr: Okr) -> None:
    result = okr("critique", "--objective", "o-bad")
    assert result.exit_code == 0
    assert "engine offline" in result.stdout
    assert "rewrite [offline]: MQLs from ? to 500/month" in result.stdout


def test_critique_of_an_unknown_objective_is_a_clear_error(okr: Okr) -> None:
    result = okr("critique", "--objective", "nope")
    assert result.exit_code == 2 and "not found" in result.stderr
    assert "Traceback" not in result.output


def test_critique_needs_a_file_or_an_objective(okr: Okr) -> None:
    result = okr("critique")
    assert result.exit_code == 2 and "FILE or --objective" in result.stderr


def test_publish_a_good_objective(okr: Okr, store: Store) -> None:
    result = okr("publish", "o-good")
    assert result.exit_code == 0, result.output
    assert store.get_objective("acme", "o-good").state is ObjectiveState.PUBLISHED


def test_publish_is_blocked_with_the_findings_and_exit_2(okr: Okr, store: Store) -> None:
    result = okr("publish", "o-bad")
    assert result.exit_code == 2
    assert "kr_output (kr:0)" in result.stderr and "--override-reason" in result.stderr
    assert store.get_objective("acme", "o-bad").state is ObjectiveState.DRAFT


def test_publish_with_an_override_reason_records_it(okr: Okr, store: Store) -> None:
    result = okr("publish", "o-bad", "--override-reason", "launch-critical", "--actor", "ana")
    assert result.exit_code == 0, result.output
    entry = store.history("acme", "o-bad")[-1]
    assert (entry.actor, "launch-critical" in (entry.reason or "")) == ("ana", True)


def test_publish_with_an_empty_override_reason_is_refused(okr: Okr) -> None:
    result = okr("publish", "o-bad", "--override-reason", "")
    assert result.exit_code == 2 and "reason" in result.stderr
