"""What each kind of review says, section by section, and the offline narrative of each section.

`plan(kind, facts)` lists a review's sections: an id, a title, the fact ids
the section is about (what a model is given, as data), the check-in notes it
may quote, and the offline narrative written by the templates here. The
templates write numbers only through `ReviewFacts.shown`, so the offline
narrative passes the faithfulness check by construction (and the reviewer
eval verifies it on every cycle of the demo organisation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from okr.models import Status
from okr.review_facts import ObjectiveView, ReviewFacts, RiskView

__all__ = ["KINDS", "KIND_TITLES", "SectionPlan", "plan"]

KINDS: tuple[str, ...] = ("pulse", "midcycle", "qbr", "retro")
KIND_TITLES = {"pulse": "Weekly pulse", "midcycle": "Mid-cycle review",
               "qbr": "Quarterly business review", "retro": "Retrospective"}

_REASON_WORDS = {
    "behind_pace": "behind pace", "stalled": "stalled", "regressing": "moving away from target",
    "stale": "no recent check-in", "low_confidence": "low owner confidence",
    "falling_confidence": "falling confidence", "blocker_reported": "a blocker was reported",
    "dependency_at_risk": "depends on a key result at risk",
}
_ASKS = {
    "blocker_reported": "clear the blocker named in the check-in notes, escalating if needed",
    "dependency_at_risk": "agree a date with the upstream team or change the approach",
    "stale": "get a fresh check-in from the owner this week",
    "regressing": "find out why the metric is moving the wrong way",
    "behind_pace": "decide whether to add effort, change the approach or adjust the target",
    "stalled": "decide whether to change the approach or retire the key result",
    "low_confidence": "ask the owner what would raise their confidence",
    "falling_confidence": "ask the owner what changed",
}


@dataclass(frozen=True)
class SectionPlan:
    """One section of a review before it is written."""

    id: str
    title: str
    brief: str
    """What the section should say (given to the model)."""
    fact_ids: tuple[str, ...]
    notes: tuple[tuple[str, str], ...]
    offline: str
    must_mention: tuple[str, ...] = ()
    """Strings a model's text must contain (ids of flagged key results, a score)."""


def _status_word(status: Status | str) -> str:
    return str(status.value if isinstance(status, Status) else status).replace("_", " ")


def _n(f: ReviewFacts, fact_id: str, word: str) -> str:
    """A count with its noun: "1 objective", "3 objectives"."""
    n = f.fact(fact_id).value
    return f"{f.shown(fact_id)} {word}{'' if n == 1 else 's'}"


def _kr_index(f: ReviewFacts) -> dict[str, tuple[ObjectiveView, str]]:
    return {kr.id: (o, kr.text) for o in f.objectives for kr in o.key_results}


def _headline(f: ReviewFacts) -> tuple[str, tuple[str, ...]]:
    cid = f.cycle.id
    ids: tuple[str, ...] = (
        "count:objectives", "count:key_results", "score:mean_kr", "count:kr_on_track",
        "count:kr_at_risk", "count:kr_off_track", f"cycle:{cid}:elapsed",
           "score:mean_objective")
    state = "closed" if f.as_of >= f.cycle.end else f"{f.shown(f'cycle:{cid}:elapsed')} through"
    text = (f"{f.scope}, {f.cycle.name} ({state}) as of {f.as_of.isoformat()}: "
            f"{_n(f, 'count:objectives', 'objective')} and "
            f"{_n(f, 'count:key_results', 'key result')}, mean objective score "
            f"{f.shown('score:mean_objective')} and mean key result score "
            f"{f.shown('score:mean_kr')}. Key results on track: "
            f"{f.shown('count:kr_on_track')}, at risk: {f.shown('count:kr_at_risk')}, "
            f"off track: {f.shown('count:kr_off_track')}.")
    if "score:change_cycle" in f.facts:
        prev = f.fact("score:mean_objective_previous_cycle")
        text += (f" The {prev.label} was {prev.shown}; the change is "
                 f"{f.shown('score:change_cycle')}.")
        ids += ("score:change_cycle", "score:mean_objective_previous_cycle")
    return text, ids


def _risk_line(f: ReviewFacts, r: RiskView, index: dict[str, tuple[ObjectiveView, str]]) -> str:
    text = index[r.kr_id][1] if r.kr_id in index else r.kr_id
    reasons = (", ".join(_REASON_WORDS.get(x, x) for x in r.reasons)
               or "no single warning sign; the forecast itself is borderline")
    return (f"- **{r.kr_id}** — {text}: {_status_word(r.status)}, {f.shown(r.p_miss)} chance of "
            f"missing, forecast {f.shown(r.forecast)} ({reasons}).")


def _risk_ids(risks: tuple[RiskView, ...]) -> tuple[str, ...]:
    return tuple(x for r in risks for x in (r.p_miss, r.forecast, r.explanation,
                                            f"kr:{r.kr_id}:score", f"kr:{r.kr_id}:text"))


def _risks(f: ReviewFacts, risks: tuple[RiskView, ...], empty: str) -> str:
    index = _kr_index(f)
    if not risks:
        return empty
    return "\n".join(_risk_line(f, r, index) for r in risks)


def _movers(f: ReviewFacts) -> tuple[str, tuple[str, ...]]:
    index = _kr_index(f)
    lines = []
    ids: list[str] = ["pulse:days"]
    for fid in f.movers[:8]:
        kr_id = fid.split(":")[1]
        change = f.fact(fid)
        verb = "up" if float(change.value or 0) > 0 else "down"
        lines.append(f"- {kr_id} — {index[kr_id][1]}: {verb} {change.display[1]} to "
                     f"{f.shown(f'kr:{kr_id}:score')}.")
        ids += [fid, f"kr:{kr_id}:score", f"kr:{kr_id}:text"]
    if not lines:
        return (f"No key result moved by a noticeable amount in the last "
                f"{f.shown('pulse:days')} days.", tuple(ids))
    return (f"Biggest moves in the last {f.shown('pulse:days')} days:\n" + "\n".join(lines),
            tuple(ids))


def _stale(f: ReviewFacts) -> tuple[str, tuple[str, ...]]:
    if not f.stale:
        return "Every key result in scope has a recent check-in.", ("count:stale",)
    lines = []
    owners = {k.id: k.owner for o in f.objectives for k in o.key_results}
    for fid in f.stale:
        fact = f.fact(fid)
        owner = owners.get(fid.split(":", 1)[1], "the owner")
        when = (f"for {fact.display[1]}" if fact.value is not None else "at all this cycle")
        lines.append(f"- {owner} has not checked in on {fid.split(':', 1)[1]} {when}.")
    return (f"{f.shown('count:stale')} key results have no recent check-in:\n"
            + "\n".join(lines), ("count:stale", *f.stale))


def _health(f: ReviewFacts) -> tuple[str, tuple[str, ...]]:
    text = (f"Adoption is {f.shown('health:adoption')} ({f.shown('health:adoption:numerator')} of "
            f"{f.shown('health:adoption:denominator')} teams), the check-in rate "
            f"{f.shown('health:check_in_rate')} and alignment coverage "
            f"{f.shown('health:alignment_coverage')}.")
    gaps = int(f.fact("health:gaps").value or 0)
    if gaps:
        text += (f" {_n(f, 'health:gaps', 'company objective')} without a supporting team "
                 "objective.")
    ids = ("health:adoption", "health:adoption:numerator", "health:adoption:denominator",
           "health:check_in_rate", "health:alignment_coverage", "health:gaps",
           "health:check_in_rate:numerator", "health:check_in_rate:denominator")
    return text, ids


def _deps(f: ReviewFacts) -> tuple[str, tuple[str, ...]]:
    if not f.dependency_problems:
        return "No key result in scope depends on one that is at risk.", ()
    lines = []
    for fid in f.dependency_problems:
        _, down, up = fid.split(":")
        lines.append(f"- {down} depends on {up}, which has a {f.shown(fid)} chance of missing.")
    return "\n".join(lines), f.dependency_problems


def _ask_for(reasons: tuple[str, ...]) -> str:
    """The ask of the most actionable reason (blockers first, then dependencies, ...)."""
    return next(ask for reason, ask in _ASKS.items() if reason in reasons)


def _asks(f: ReviewFacts, risks: tuple[RiskView, ...], limit: int = 8) -> str:
    index = _kr_index(f)
    lines: list[str] = []
    for r in risks:
        if not r.reasons or len(lines) >= limit:
            continue
        owner = next((k.owner for o in f.objectives for k in o.key_results if k.id == r.kr_id),
                     "the owner")
        ask = _ask_for(r.reasons)
        text = index[r.kr_id][1] if r.kr_id in index else r.kr_id
        lines.append(f"- {r.kr_id} ({text}, owner {owner}): {ask}.")
    return "\n".join(lines) if lines else "No asks: nothing in scope needs a decision now."


def _teams(f: ReviewFacts) -> tuple[str, tuple[str, ...]]:
    lines: list[str] = []
    ids: list[str] = []
    for t in f.teams:
        line = (f"- **{t.name}**: mean objective score {f.shown(t.score)} over "
                f"{_n(f, f'team:{t.id}:objectives', 'objective')}; "
                f"key results on track {f.shown(f'team:{t.id}:on_track')}, "
                f"at risk {f.shown(f'team:{t.id}:at_risk')}, "
                f"off track {f.shown(f'team:{t.id}:off_track')}")
        ids += [t.score, f"team:{t.id}:objectives", f"team:{t.id}:on_track",
                f"team:{t.id}:at_risk", f"team:{t.id}:off_track"]
        if t.change_cycle:
            change = f.fact(t.change_cycle)
            line += f" ({change.display[0]} against the previous cycle at the same point)"
            ids.append(t.change_cycle)
        lines.append(line + ".")
    return "\n".join(lines), tuple(ids)


def _next_cycle(f: ReviewFacts) -> tuple[str, tuple[str, ...]]:
    lines, ids = [], []
    index = _kr_index(f)
    hits = [fid.split(":")[1] for fid in f.wins][:4]
    if hits:
        lines.append("- Keep what worked: " + "; ".join(
            f"{k} ({index[k][1]}, {f.shown(f'kr:{k}:score')})" for k in hits) + ".")
        ids += [x for k in hits for x in (f"kr:{k}:score", f"kr:{k}:text")]
    miss = [fid.split(":")[1] for fid in f.misses][:4]
    if miss:
        lines.append("- Rethink or re-scope what missed: " + "; ".join(
            f"{k} ({index[k][1]}, {f.shown(f'kr:{k}:score')})" for k in miss) + ".")
        ids += [x for k in miss for x in (f"kr:{k}:score", f"kr:{k}:text")]
    repeat_misses = []
    for o in f.objectives:
        low = [p for p in o.past if float(f.fact(p).value or 0) < 0.4]
        if low and o.status is not Status.ON_TRACK:
            repeat_misses.append((o, low))
    for o, low in repeat_misses[:3]:
        lines.append(f"- “{o.title}” ({o.team_name}) scored {f.shown(o.score)} now and "
                     f"{', '.join(f.shown(p) for p in low)} in earlier cycles: set it up "
                     "differently rather than carrying it over unchanged.")
        ids += [o.score, f"objective:{o.id}:title", *low]
    if int(f.fact("health:gaps").value or 0):
        lines.append(f"- Give the {f.shown('health:gaps')} unsupported company objectives an "
                     "owning team, or drop them.")
        ids.append("health:gaps")
    if f.stale:
        lines.append(f"- Agree a weekly check-in rhythm: {f.shown('count:stale')} key results "
                     "went without check-ins.")
        ids.append("count:stale")
    return "\n".join(lines) or "- Carry the current approach forward.", tuple(ids)


def _retro_objective(f: ReviewFacts, o: ObjectiveView) -> SectionPlan:
    worked: list[str] = []
    didnt: list[str] = []
    notes: list[tuple[str, str]] = []
    ids: list[str] = [o.score, f"objective:{o.id}:title"]
    for kr in o.key_results:
        ids += [kr.score, f"kr:{kr.id}:text"]
        last_note = kr.notes[-1][1] if kr.notes else ""
        if last_note:
            ids.append(f"note:{kr.notes[-1][0]}")
        notes += list(kr.notes[-3:])
        line = f"{kr.text} scored {f.shown(kr.score)}"
        line += f" — “{last_note}”" if last_note else ""
        (worked if kr.status is Status.ON_TRACK else didnt).append(f"- {line}")
    ids += [n for kr in o.key_results for n in (f"note:{ref}" for ref, _ in kr.notes[-3:])]
    differently: list[str] = []
    risks = {r.kr_id: r for r in f.all_risks}
    for kr in o.key_results:
        r = risks.get(kr.id)
        if kr.status is not Status.ON_TRACK and r is not None and r.reasons:
            differently.append(f"- {kr.id}: it was {', '.join(_REASON_WORDS[x] for x in r.reasons)}"
                               f". Next time, early: {_ask_for(r.reasons)}.")
    if o.past:
        ids += list(o.past)
        scores = ", ".join(f.shown(p) for p in o.past)
        differently.append(f"- Similar objectives of this team in earlier cycles scored "
                           f"{scores}; compare before setting the next targets.")
    if not differently:
        differently.append("- Keep the approach; raise the ambition of the targets a notch.")
    text = (f"Score **{f.shown(o.score)}** ({_status_word(o.status)}), {o.team_name}.\n\n"
            f"**What worked**\n" + ("\n".join(worked) or "- No key result reached the bar.")
            + "\n\n**What didn't**\n" + ("\n".join(didnt) or "- Every key result reached the bar.")
            + "\n\n**What to do differently**\n" + "\n".join(differently))
    return SectionPlan(f"objective:{o.id}", o.title,
                       "Retrospective of this objective: its score, what worked, what didn't and "
                       "what to do differently, drawing on the check-in notes and past outcomes.",
                       tuple(dict.fromkeys(ids)), tuple(notes), text, (f.shown(o.score),))


def plan(kind: str, f: ReviewFacts) -> list[SectionPlan]:
    """The sections of a review of `kind` over `f`, each with its offline narrative."""
    if kind not in KINDS:
        raise ValueError(f"unknown review kind {kind!r}")
    headline, head_ids = _headline(f)
    health, health_ids = _health(f)
    stale, stale_ids = _stale(f)
    top = f.risks
    flagged = tuple(r for r in f.all_risks if r.status != "on_track")
    sections: list[SectionPlan] = []

    def add(sid: str, title: str, brief: str, ids: tuple[str, ...], text: str,
            must: tuple[str, ...] = ()) -> None:
        sections.append(SectionPlan(sid, title, brief, tuple(dict.fromkeys(ids)), (), text,
                                    must))

    risk_text: Callable[[tuple[RiskView, ...]], str] = lambda rs: _risks(  # noqa: E731
        f, rs, "The risk radar rates every key result in scope on track.")
    if kind == "pulse":
        movers, mover_ids = _movers(f)
        add("headline", "This week", "Where the cycle stands this week.", head_ids, headline)
        add("movers", "What moved", "The key results whose scores moved most this week.",
            mover_ids, movers)
        add("risks", "Top risks", "The key results most likely to miss, and why.",
            _risk_ids(top), risk_text(top))
        add("stale", "Waiting for a check-in", "Key results whose owners have not checked in.",
            stale_ids, stale)
    elif kind == "midcycle":
        deps, dep_ids = _deps(f)
        add("summary", "Where we stand", "Where the cycle stands at its midpoint.",
            head_ids, headline)
        add("at_risk", "At risk and off track",
            "Every key result the risk radar rates at risk or off track, each named by id, "
            "with its chance of missing and the reasons.", _risk_ids(flagged),
            risk_text(flagged), tuple(r.kr_id for r in flagged))
        add("dependencies", "Dependencies", "Key results held up by others at risk.",
            dep_ids, deps)
        add("health", "Programme health", "Whether the OKR practice itself is alive.",
            (*health_ids, *stale_ids), health + "\n\n" + stale)
        add("asks", "Decisions needed", "What leaders should decide or unblock now.",
            _risk_ids(flagged), _asks(f, flagged))
    elif kind == "qbr":
        teams, team_ids = _teams(f)
        nxt, next_ids = _next_cycle(f)
        add("executive_summary", "Executive summary",
            "A short executive summary of the quarter for the leadership team.",
            (*head_ids, *health_ids), headline + "\n\n" + health)
        add("by_team", "By team", "How each team did, best first.", team_ids, teams)
        add("risks_and_asks", "Risks and asks",
            "The main risks and what leadership is asked to decide.", _risk_ids(top),
            risk_text(top) + "\n\n**Asks**\n" + _asks(f, top))
        add("next_cycle", "Next-cycle recommendations",
            "Recommendations for the next cycle, from what worked and what did not.",
            next_ids, nxt)
    else:
        add("summary", "Summary", "The cycle in a paragraph.", head_ids, headline)
        for o in f.objectives:
            sections.append(_retro_objective(f, o))
    return sections
