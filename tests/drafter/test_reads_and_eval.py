"""The drafter's store reads (organisation-scoped) and its eval, run offline."""

from __future__ import annotations

from datetime import date

from rich.console import Console

from evals.drafter import print_report, run_eval
from okr.demo import build_demo_org
from tools.okr_reads import company_objectives, past_objectives, team_metrics

TODAY = date(2026, 11, 16)


def test_team_metrics_carry_the_latest_check_in_value_and_its_date(store):
    ttv = next(m for m in team_metrics(store, "demo", "t-customer-success", TODAY)
               if m.metric == "Median time to first dashboard")
    kr = store.get_key_result("demo", ttv.kr_id)
    last = max(kr.check_ins, key=lambda c: c.at)
    assert (ttv.current, ttv.as_of, ttv.cycle) == (last.value, last.at.date(), "2026-Q4")


def test_past_objectives_hold_closed_cycles_with_final_scores(store):
    past = past_objectives(store, "demo", "t-support")
    assert {p.cycle for p in past} == {"2026-Q1", "2026-Q2", "2026-Q3"}
    assert all(0 <= p.score <= 1 and p.key_results for p in past)


def test_reads_never_see_another_organisation(store):
    store.save_snapshot(build_demo_org("other", today=TODAY))
    ours = {m.kr_id for m in team_metrics(store, "demo", "t-support", TODAY)}
    theirs = {m.kr_id for m in team_metrics(store, "other", "t-support", TODAY)}
    assert ours and theirs
    assert all(p.id in {o.id for o in store.list_objectives("demo")}
               for p in company_objectives(store, "demo", None, TODAY))
    assert team_metrics(store, "nobody", "t-support", TODAY) == []


def test_drafter_eval_passes_every_check_offline():
    report = run_eval()
    print_report(report, Console(width=200))
    failures = {r.id: r.failures for r in report.results if not r.passed}
    assert len(report.results) >= 20
    assert failures == {}
    assert report.llm_calls == 0
