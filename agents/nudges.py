"""Nudges: a short, specific message to owners whose key results have gone quiet.

An owner is nudged about a key result with no check-in for `STALE_AFTER_DAYS`
(14) days or more. The message carries what they need to answer in one
go: the last value and its date, what is due and by when, where the number
should be by now against where it is, and who depends on it. Nobody gets
more than `settings.nudge_max_per_week` nudges in any seven days: every
send is recorded in the store's history (action "nudged" on the person),
and the cap counts those rows, so it holds across runs and processes.
Sending goes through a `tools.notifiers.Notifier`; a dry run plans only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from agents.playbooks import round_like
from okr.quantities import format_value
from okr.risk import KRRisk, RiskReport
from okr.scoring import STALE_AFTER_DAYS
from okr.store import Store
from tools.notifiers import Notification, Notifier, NotifierError
from tools.store_reads import CycleView

__all__ = ["Nudge", "NudgePlan", "NudgeResult", "plan_nudges", "send_nudges", "stale_nudges"]

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Nudge:
    """One message to one owner about one stale key result, with the figures behind it."""

    person_id: str
    person_name: str
    kr_id: str
    p_miss: float
    context: Mapping[str, Any]
    notification: Notification


@dataclass(frozen=True)
class NudgePlan:
    """What a run would send, and what the weekly cap holds back."""

    to_send: tuple[Nudge, ...]
    held_back: tuple[Nudge, ...]


@dataclass
class NudgeResult:
    """What a run did: sent (and recorded), held back by the cap, failed to deliver."""

    sent: list[Nudge] = field(default_factory=list)
    held_back: list[Nudge] = field(default_factory=list)
    failed: list[tuple[Nudge, str]] = field(default_factory=list)


def _first_name(name: str) -> str:
    return name.split()[0] if name.strip() else name


def _context(kr: KRRisk, view: CycleView) -> dict[str, Any]:
    k = view.key_results[kr.id]
    unit = k.unit or ""
    check_ins = view.check_ins(kr.id)
    last = check_ins[-1] if check_ins else None
    elapsed = kr.signals.elapsed
    milestone = k.kind.value == "milestone"
    expected: float | None = None
    if k.baseline is not None and k.target is not None and not milestone:
        expected = round_like(k.baseline + elapsed * (k.target - k.baseline), k.target,
                              k.baseline, extra=1)

    def shown(value: float | None) -> str:
        if milestone:
            return "done" if value is not None and value >= 1 else "not done"
        return format_value(value, unit)

    dependents = []
    for down in view.dependents.get(kr.id, ()):
        owner = view.owner_of(down)
        dependents.append({"kr_id": down, "owner_id": owner,
                           "owner_name": view.person_name(owner),
                           "team_name": view.team_name(view.team_of(down))})
    since = last.at.date() if last is not None else view.cycle.start
    return {
        "kr_id": kr.id,
        "kr_text": k.text,
        "last_value": shown(last.value) if last is not None else None,
        "last_date": last.at.date().isoformat() if last is not None else None,
        "days_quiet": (view.as_of - since).days,
        "due": "done" if milestone else format_value(k.target, unit),
        "due_date": view.cycle.end.isoformat(),
        "expected_now": format_value(expected, unit) if expected is not None else None,
        "progress": round(kr.signals.progress, 4),
        "elapsed": round(elapsed, 4),
        "status": kr.status,
        "p_miss": round(kr.p_miss, 4),
        "dependents": dependents,
    }


def _text(name: str, c: Mapping[str, Any]) -> str:
    if c["last_value"] is not None:
        quiet = (f"has had no check-in for {c['days_quiet']} days (last: {c['last_value']} "
                 f"on {c['last_date']})")
    else:
        quiet = f"has had no check-in since the cycle started {c['days_quiet']} days ago"
    pace = (f"By now it should be near {c['expected_now']}; it is {c['progress']:.0%} of the "
            f"way with {c['elapsed']:.0%} of the cycle gone."
            if c["expected_now"] is not None else
            f"It is not done yet with {c['elapsed']:.0%} of the cycle gone.")
    deps = c["dependents"]
    if deps:
        names = "; ".join(f"{d['kr_id']} ({d['owner_name']}, {d['team_name']})" for d in deps)
        depends = f" {len(deps)} key result(s) depend on it: {names}."
    else:
        depends = ""
    return (f"Hi {_first_name(name)}, {c['kr_id']} \"{c['kr_text']}\" {quiet}. "
            f"Due: {c['due']} by {c['due_date']}. {pace}{depends} "
            "Could you add a check-in with the current value and your confidence?")


def _blocks(text: str, c: Mapping[str, Any]) -> list[dict[str, Any]]:
    fields = [f"*Last value:* {c['last_value'] or 'none yet'}"
              + (f" ({c['last_date']})" if c["last_date"] else ""),
              f"*Due:* {c['due']} by {c['due_date']}",
              f"*Progress:* {c['progress']:.0%} with {c['elapsed']:.0%} of the cycle gone",
              f"*Radar:* {c['status']} (p_miss {c['p_miss']:.2f})"]
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
    ]


def stale_nudges(view: CycleView, report: RiskReport) -> list[Nudge]:
    """A nudge for every owned key result quiet for `STALE_AFTER_DAYS` or more, riskiest first."""
    out: list[Nudge] = []
    for kr in report.key_results:
        owner = view.owner_of(kr.id) if kr.id in view.key_results else None
        if owner is None or kr.signals.stale <= 0.5:
            continue
        context = _context(kr, view)
        if context["days_quiet"] < STALE_AFTER_DAYS:
            continue
        name = view.person_name(owner)
        text = _text(name, context)
        out.append(Nudge(owner, name, kr.id, kr.p_miss, context,
                         Notification(owner, name, text, tuple(_blocks(text, context)))))
    out.sort(key=lambda n: (-n.p_miss, n.kr_id))
    return out


def plan_nudges(store: Store, view: CycleView, report: RiskReport, max_per_week: int,
                now: datetime | None = None) -> NudgePlan:
    """Split the nudges into those to send now and those held back.

    Held back: a person already sent `max_per_week` nudges in the last seven
    days, or already nudged about the same key result in that time.
    """
    when = now or datetime.now(UTC)
    room: dict[str, int] = defaultdict(lambda: max_per_week)
    recent: set[tuple[str, str]] = set()
    for entry in store.nudges_since(view.org_id, when - WEEK):
        room[entry.entity_id] = max(0, room[entry.entity_id] - 1)
        recent.add((entry.entity_id, str((entry.after or {}).get("kr_id"))))
    send: list[Nudge] = []
    held: list[Nudge] = []
    for nudge in stale_nudges(view, report):
        if (nudge.person_id, nudge.kr_id) in recent:
            held.append(nudge)
        elif room[nudge.person_id] > 0:
            room[nudge.person_id] -= 1
            send.append(nudge)
        else:
            held.append(nudge)
    return NudgePlan(tuple(send), tuple(held))


def send_nudges(store: Store, org_id: str, plan: NudgePlan, notifier: Notifier, *,
                actor: str | None = None, now: datetime | None = None) -> NudgeResult:
    """Send the planned nudges and record each delivered one; failures are kept, not raised."""
    when = now or datetime.now(UTC)
    result = NudgeResult(held_back=list(plan.held_back))
    for nudge in plan.to_send:
        try:
            notifier.send(nudge.notification)
        except NotifierError as exc:
            result.failed.append((nudge, str(exc)))
            continue
        store.record_nudge(org_id, nudge.person_id,
                           {"kr_id": nudge.kr_id, "channel": notifier.name,
                            "text": nudge.notification.text}, actor=actor, at=when)
        result.sent.append(nudge)
    return result


def describe(nudges: Sequence[Nudge]) -> list[dict[str, Any]]:
    """Nudges as plain JSON values."""
    return [{"person_id": n.person_id, "person_name": n.person_name, "kr_id": n.kr_id,
             "text": n.notification.text, "context": dict(n.context)} for n in nudges]
