"""`okr risk` over the store, `okr playbooks KR` and `okr nudge`, through Typer's runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from api.cli import app

Okr = Callable[..., Result]
AS_OF = "2026-11-20"


@pytest.fixture
def okr(store, store_path: Path, tmp_path: Path) -> Okr:
    """Runs `okr ARGS` against the demo store of this test."""
    env = {"OKR_DATA_DIR": str(tmp_path / "data"), "OKR_DATABASE_URL": f"sqlite:///{store_path}",
           "OKR_ORG": "demo", "COLUMNS": "220", "OKR_SLACK_WEBHOOK_URL": ""}

    def run(*args: str, **extra_env: str) -> Result:
        return CliRunner().invoke(app, list(args), env={**env, **extra_env})
    return run


def test_risk_without_a_file_prints_the_radar_of_the_current_cycle(okr):
    result = okr("risk", "--cycle", "2026-Q4", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "Risk radar of demo, 2026-Q4, as of 2026-11-20" in result.stdout
    assert "kr-2026q4-13-2" in result.stdout and "off_track" in result.stdout


def test_risk_without_a_file_prints_the_contract_with_json(okr):
    result = okr("risk", "--cycle", "2026-Q4", "--as-of", AS_OF, "--json")
    data = json.loads(result.stdout)
    assert data["as_of"] == AS_OF and {"id", "status", "p_miss"} <= set(data["key_results"][0])


def test_a_bad_date_is_a_clear_error_with_exit_code_2(okr):
    result = okr("risk", "--as-of", "yesterday")
    assert result.exit_code == 2 and "not a date" in result.output


def test_playbooks_lists_options_with_steps_and_who_acts(okr):
    result = okr("playbooks", "kr-2026q4-13-2", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "Escalate the blocking dependency" in result.stdout
    assert "who:" in result.stdout and "upstream owner" in result.stdout


def test_playbooks_json_carries_the_reading_and_the_options(okr):
    data = json.loads(okr("playbooks", "kr-2026q4-13-2", "--as-of", AS_OF, "--json").stdout)
    assert data["id"] == "kr-2026q4-13-2" and data["playbooks"][0]["actors"]


def test_playbooks_for_an_unknown_kr_is_exit_code_2(okr):
    result = okr("playbooks", "kr-nope")
    assert result.exit_code == 2 and "kr-nope" in result.output


def test_nudge_dry_run_shows_messages_and_records_nothing(okr, store):
    before = len(store.history("demo"))
    result = okr("nudge", "--dry-run", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "would be sent" in result.stdout and "Could you add a check-in" in result.stdout
    assert len(store.history("demo")) == before


def test_nudge_with_slack_but_no_webhook_is_exit_code_2(okr):
    result = okr("nudge", "--slack", "--as-of", AS_OF)
    assert result.exit_code == 2 and "OKR_SLACK_WEBHOOK_URL" in result.output


def test_nudge_with_slack_posts_to_the_webhook_and_a_second_run_is_capped(okr, webhook):
    first = okr("nudge", "--slack", "--as-of", AS_OF, "--json",
                OKR_SLACK_WEBHOOK_URL=webhook.url, OKR_NUDGE_MAX_PER_WEEK="1")
    assert first.exit_code == 0, first.output
    sent = json.loads(first.stdout)["sent"]
    assert sent and len(webhook.bodies) == len(sent)
    again = okr("nudge", "--slack", "--as-of", AS_OF, "--json",
                OKR_SLACK_WEBHOOK_URL=webhook.url, OKR_NUDGE_MAX_PER_WEEK="1")
    assert json.loads(again.stdout)["sent"] == [] and len(webhook.bodies) == len(sent)


def test_radar_pauses_and_radar_approve_records_the_choice(okr, store):
    started = okr("radar", "--as-of", AS_OF, "--kr", "kr-2026q4-13-2", "--thread", "th-1")
    assert started.exit_code == 0, started.output
    assert "escalate_dependency" in started.stdout and "th-1" in started.stdout
    done = okr("radar-approve", "th-1", "--choose", "kr-2026q4-13-2=escalate_dependency",
               "--actor", "p-01", "--reason", "weekly review")
    assert done.exit_code == 0, done.output
    [entry] = [h for h in store.history("demo", "kr-2026q4-13-2") if h.action == "decided"]
    assert entry.actor == "p-01"


def test_radar_approve_needs_a_choice_and_an_actor(okr):
    result = okr("radar-approve", "th-x")
    assert result.exit_code == 2 and "--choose" in result.output


def test_radar_approve_on_a_thread_that_is_not_waiting_is_exit_code_2(okr):
    result = okr("radar-approve", "th-none", "--reject")
    assert result.exit_code == 2 and "not waiting" in result.output
