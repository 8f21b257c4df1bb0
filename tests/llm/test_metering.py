"""Metering and budgets: every call counted, and a spent budget stops the run."""

from __future__ import annotations

import pytest
from pydantic import BaseModel
from scripted_server import Reply

from agents.metering import (
    BudgetExceeded,
    CallRecord,
    InMemoryOrgLedger,
    RunMeter,
    SqliteOrgLedger,
)


class Answer(BaseModel):
    ok: bool


def ask(client, meter, step="t.step"):
    return client.structured(Answer, system="s", user="u", meter=meter, step=step)


def call(tokens: int, step: str = "s") -> CallRecord:
    return CallRecord(
        step=step, model="m", prompt_tokens=tokens, completion_tokens=0, latency_s=0.1
    )


def test_a_call_that_overspends_the_run_budget_stops_the_run(server, client, ledger):
    meter = RunMeter(org_id="acme", run_budget=1000, org_budget=10**6, ledger=ledger)
    server.script(Reply({"ok": True}, prompt_tokens=900, completion_tokens=200))
    with pytest.raises(BudgetExceeded) as info:
        ask(client, meter)
    assert info.value.scope == "run"
    assert meter.run_tokens == 1100


def test_a_spent_run_budget_refuses_the_next_call_before_sending_it(server, client, ledger):
    meter = RunMeter(org_id="acme", run_budget=1000, org_budget=10**6, ledger=ledger)
    meter.record(call(990))
    with pytest.raises(BudgetExceeded, match="run token budget"):
        ask(client, meter)
    assert server.requests == []


def test_the_organisation_budget_spans_runs(server, client, ledger):
    first = RunMeter(org_id="acme", run_budget=10**6, org_budget=500, ledger=ledger)
    server.script(Reply({"ok": True}, prompt_tokens=400, completion_tokens=90))
    ask(client, first)
    second = RunMeter(org_id="acme", run_budget=10**6, org_budget=500, ledger=ledger)
    with pytest.raises(BudgetExceeded) as info:
        ask(client, second)
    assert info.value.scope == "org"
    assert len(server.requests) == 1


def test_organisation_budgets_are_separate_per_organisation(server, client, ledger):
    RunMeter(org_id="acme", run_budget=10**6, org_budget=500, ledger=ledger).record(call(499))
    other = RunMeter(org_id="globex", run_budget=10**6, org_budget=500, ledger=ledger)
    server.script(Reply({"ok": True}))
    assert ask(client, other) == Answer(ok=True)


def test_completion_room_is_what_the_budget_leaves():
    meter = RunMeter(org_id="acme", run_budget=1000, org_budget=10**6)
    meter.record(call(300))
    assert meter.check(200) == 500


def test_sqlite_ledger_is_shared_between_instances(tmp_path):
    SqliteOrgLedger(tmp_path / "usage.sqlite3").add("acme", "2026-12", 70)
    SqliteOrgLedger(tmp_path / "usage.sqlite3").add("acme", "2026-12", 30)
    ledger = SqliteOrgLedger(tmp_path / "usage.sqlite3")
    assert ledger.used("acme", "2026-12") == 100
    assert ledger.used("globex", "2026-12") == 0


def test_budget_error_names_the_setting_to_raise():
    meter = RunMeter(org_id="acme", run_budget=10, org_budget=10**6, ledger=InMemoryOrgLedger())
    with pytest.raises(BudgetExceeded, match="OKR_LLM_RUN_TOKEN_BUDGET"):
        meter.check(50)


def test_token_report_tabulates_calls_per_step(server, client, meter):
    server.script(
        Reply({"ok": True}, prompt_tokens=100, completion_tokens=20),
        Reply({"ok": True}, prompt_tokens=50, completion_tokens=10),
        Reply({"ok": True}, prompt_tokens=70, completion_tokens=5),
    )
    ask(client, meter, "critic.rewrite")
    ask(client, meter, "critic.rewrite")
    ask(client, meter, "risk.explain")
    report = meter.token_report()
    rows = {
        line.split("|")[1].strip(): line for line in report.splitlines() if line.startswith("|")
    }
    assert "| 2 " in rows["critic.rewrite"] and "| 180 " in rows["critic.rewrite"]
    assert "| 75 " in rows["risk.explain"]
    assert "| 3 " in rows["TOTAL"] and "| 255 " in rows["TOTAL"]
    assert "run budget: 255/10000" in report
