"""Nudges to stale owners: the context they carry and the weekly cap that holds across runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from agents.nudges import plan_nudges, send_nudges, stale_nudges
from okr.quarter import QuarterFile
from okr.risk import assess_quarter
from tools.notifiers import LogNotifier, Notification, NotifierError
from tools.store_reads import cycle_view, quarter_view

AS_OF = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)


def _quarter() -> QuarterFile:
    """up-1 last checked in on 2026-10-20 (31 days quiet); down-1 checks in weekly, needs up-1."""
    return QuarterFile.model_validate({
        "cycle": {"name": "2026-Q4", "start": "2026-10-01", "end": "2026-12-31"},
        "as_of": AS_OF.isoformat(),
        "teams": [{"id": "eng", "name": "Engineering", "parent": None},
                  {"id": "sales", "name": "Sales", "parent": None}],
        "objectives": [{"id": "o-1", "team": "eng", "title": "Ship", "parent": None},
                       {"id": "o-2", "team": "sales", "title": "Sell", "parent": None}],
        "key_results": [
            {"id": "up-1", "objective": "o-1", "owner": "ana", "text": "API latency to 200 ms",
             "kind": "metric", "direction": "decrease", "baseline": 400, "target": 200,
             "unit": "ms", "check_ins": [{"date": "2026-10-20", "value": 380}]},
            {"id": "down-1", "objective": "o-2", "owner": "bo", "text": "Deals from 10 to 30",
             "kind": "metric", "direction": "increase", "baseline": 10, "target": 30,
             "unit": None, "depends_on": ["up-1"],
             "check_ins": [{"date": f"2026-11-{d:02d}", "value": 10 + d // 2}
                           for d in (6, 13, 19)]},
        ],
    })


def _only() -> dict:
    view = quarter_view(_quarter())
    [nudge] = stale_nudges(view, assess_quarter(view.quarter))
    return {"nudge": nudge, "text": nudge.notification.text, "context": nudge.context}


def test_only_the_owner_quiet_for_two_weeks_is_nudged():
    assert _only()["nudge"].person_id == "ana"


def test_nudge_gives_the_last_value_and_its_date():
    assert "last: 380 ms on 2026-10-20" in _only()["text"]


def test_nudge_says_what_is_due_and_by_when():
    assert "Due: 200 ms by 2026-12-31" in _only()["text"]


def test_nudge_compares_progress_with_where_it_should_be_by_now():
    context = _only()["context"]
    assert context["expected_now"] == "290.1 ms"  # 400 - 200 x 50/91 days gone
    assert "it is 10% of the way with 55% of the cycle gone" in _only()["text"]


def test_nudge_names_who_depends_on_the_owner():
    assert "down-1 (bo, Sales)" in _only()["text"]


def test_nudge_carries_slack_blocks_with_the_same_text():
    nudge = _only()["nudge"]
    assert nudge.notification.blocks[0]["text"]["text"] == nudge.notification.text


def _plan(store, cap: int, now: datetime = NOW):
    view = cycle_view(store, "demo", as_of=AS_OF)
    return plan_nudges(store, view, assess_quarter(view.quarter), cap, now)


def test_the_weekly_cap_holds_across_two_runs(store):
    first = send_nudges(store, "demo", _plan(store, 1), LogNotifier(), now=NOW)
    later = NOW + timedelta(hours=3)
    second = send_nudges(store, "demo", _plan(store, 1, later), LogNotifier(), now=later)
    assert first.sent and second.sent == []
    assert len(second.held_back) == len(first.sent) + len(first.held_back)


def test_no_one_gets_more_than_the_cap_in_one_run(store):
    plan = _plan(store, 1)
    people = [n.person_id for n in plan.to_send]
    assert len(people) == len(set(people))


def test_the_same_kr_is_not_nudged_twice_in_a_week_even_under_the_cap(store):
    send_nudges(store, "demo", _plan(store, 5), LogNotifier(), now=NOW)
    assert _plan(store, 5, NOW + timedelta(days=2)).to_send == ()


def test_the_cap_frees_up_after_seven_days(store):
    first = send_nudges(store, "demo", _plan(store, 1), LogNotifier(), now=NOW)
    again = _plan(store, 1, NOW + timedelta(days=7, minutes=1))
    assert {n.kr_id for n in again.to_send} == {n.kr_id for n in first.sent}


def test_a_dry_plan_records_nothing(store):
    before = len(store.history("demo"))
    _plan(store, 2)
    assert len(store.history("demo")) == before


def test_each_sent_nudge_is_recorded_on_the_person(store):
    result = send_nudges(store, "demo", _plan(store, 2), LogNotifier(), actor="bot", now=NOW)
    recorded = store.nudges_since("demo", NOW - timedelta(minutes=1))
    assert [(h.entity_id, (h.after or {})["kr_id"]) for h in recorded] == \
        [(n.person_id, n.kr_id) for n in result.sent]


class _Broken:
    name = "broken"

    def send(self, notification: Notification) -> None:
        raise NotifierError("down")


def test_a_nudge_that_could_not_be_delivered_is_not_counted(store):
    result = send_nudges(store, "demo", _plan(store, 2), _Broken(), now=NOW)
    assert result.failed and result.sent == []
    assert store.nudges_since("demo", NOW - timedelta(days=1)) == []
