"""The facts a review is written from: every number a review may state, with where it came from.

A review (weekly pulse, mid-cycle review, quarterly business review,
retrospective) is prose over figures; the figures are computed here, by
plain Python over an `OrgSnapshot`, so that any narrative (a template's or a
model's) can be checked number by number. Each `Fact` has a stable id
(`kr:kr-2026q4-1-1:score`), its value, the exact strings a narrative may use
for it (`"0.62"`, `"62%"`) and its sources (key result, objective and
check-in references). Scores come from `okr.scoring`, risk from `okr.risk`,
programme health from `okr.health`; nothing is recomputed here.

`number_tokens` is the one tokenizer of numbers in prose: the faithfulness
check uses it on narratives and on display forms alike, so both sides are
read the same way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from okr.alignment import cycle_objectives, objective_parents, pick_cycle
from okr.errors import NotFoundError
from okr.health import ProgrammeHealth, active_objectives, programme_health
from okr.models import (
    CheckIn,
    Cycle,
    KRKind,
    Level,
    Objective,
    OrgSnapshot,
    Status,
    Team,
)
from okr.quarter import QuarterFile
from okr.risk import KRRisk, assess_quarter
from okr.scoring import (
    SUCCESS_THRESHOLD,
    expected_progress,
    kr_score,
    latest_check_in,
    objective_score,
    status_for,
)

__all__ = [
    "PULSE_DAYS",
    "ChartData",
    "Fact",
    "KRView",
    "ObjectiveView",
    "PastOutcome",
    "ReviewFacts",
    "RiskView",
    "TeamView",
    "TrendPoint",
    "build_facts",
    "default_as_of",
    "identity_tokens",
    "number_tokens",
    "quarter_of",
    "resolve_team",
]

#: A pulse compares with the state this many days earlier (the previous pulse).
PULSE_DAYS = 7
#: How many risks a review lists as "top risks".
TOP_RISKS = 8
#: Share of shared title words for a past objective to count as "similar".
SIMILAR_WORDS = 0.5

_STOP = frozenset({
    "a", "an", "and", "the", "of", "to", "for", "in", "on", "our", "with", "by", "from", "at",
    "be", "is", "are", "we", "make", "more", "every", "each", "into", "out", "up"})

# A number as prose writes it: optional sign and currency, digits (with thousands
# separators), decimals, then an optional percent sign. Boundaries are checked in code.
_NUMBER = re.compile(r"([+\-−]?)(\$|€|£)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(\s?%)?")
_IDENTIFIER = re.compile(r"\b[A-Za-z]+[-_][\w-]*\d[\w-]*")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:T[\d:.+Z-]+)?\b")
_ORDINAL = re.compile(r"(st|nd|rd|th)\b")


def number_tokens(text: str) -> list[str]:
    """Every number written in `text`, normalised: `"+0.620"` -> `"0.62"`, `"1,200 %"` -> `"1200%"`.

    A plus sign, currency signs and thousands separators are dropped, trailing
    decimal zeros too (0.70 and 0.7 are the same number); a minus sign and a
    percent sign are kept. Digits that are part of a word or an identifier
    (`Q4`, `kr-2026q4-1-2`, `p_miss2`) are not numbers, nor are ISO dates or
    ordinals (`3rd`).
    """
    text = _IDENTIFIER.sub(" ", _ISO_DATE.sub(" ", text))
    out: list[str] = []
    for m in _NUMBER.finditer(text):
        start, end = m.start(), m.end()
        before = text[start - 1] if start > 0 else " "
        if before.isalnum() or (before in "_.-/" and not m.group(1)):
            continue
        if m.group(1) and (before.isalnum() or before in "_."):
            continue
        after = text[end:end + 1]
        if after == "." and text[end + 1:end + 2].isdigit():
            continue
        if after.isalpha() and not m.group(5):
            if _ORDINAL.match(text, end):
                continue
            word = re.match(r"[A-Za-z]+", text[end:])
            if word and len(word.group(0)) > 2 and word.group(0) not in ("pp", "pts"):
                continue
        if after in "_-" and after and text[end + 1:end + 2].isalnum() and not m.group(5):
            continue
        sign = "-" if m.group(1) in ("-", "−") else ""
        digits = m.group(3).replace(",", "")
        decimals = (m.group(4) or "").rstrip("0").rstrip(".")
        value = (digits.lstrip("0") or "0") + decimals
        pct = "%" if m.group(5) else ""
        if value in ("0", "0.0") and sign:
            sign = ""
        out.append(f"{sign}{value}{pct}")
    return out


@dataclass(frozen=True)
class Fact:
    """One figure a review may state.

    `display` holds the exact forms a narrative may write it in; `sources`
    the ids it was computed from (key results, objectives, check-ins as
    `kr-id@YYYY-MM-DD` or their stored id, cycles, memory documents).
    """

    id: str
    kind: str
    label: str
    value: float | int | str | None
    display: tuple[str, ...]
    sources: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The first display form: what templates write."""
        return self.display[0] if self.display else ""


@dataclass(frozen=True)
class KRView:
    """A key result as reviews discuss it; every figure is a fact id."""

    id: str
    text: str
    objective_id: str
    owner: str
    score: str
    status: Status
    change_pulse: str | None
    notes: tuple[tuple[str, str], ...]
    """(check-in reference, note) of the cycle up to the date, newest last."""


@dataclass(frozen=True)
class ObjectiveView:
    id: str
    title: str
    team_id: str | None
    team_name: str
    level: Level
    score: str
    status: Status
    change_pulse: str | None
    key_results: tuple[KRView, ...]
    past: tuple[str, ...] = ()
    """Fact ids of similar objectives' outcomes in earlier cycles."""


@dataclass(frozen=True)
class RiskView:
    kr_id: str
    objective_id: str
    status: str
    p_miss: str
    forecast: str
    reasons: tuple[str, ...]
    explanation: str
    """The fact id of the radar's own sentence (its numbers are facts)."""


@dataclass(frozen=True)
class TeamView:
    id: str
    name: str
    score: str
    change_cycle: str | None
    objectives: int
    on_track: int
    at_risk: int
    off_track: int


@dataclass(frozen=True)
class TrendPoint:
    """Programme health of one cycle, for the trend chart."""

    cycle: str
    mean_score: float
    on_track_share: float
    adoption: float
    alignment_coverage: float


@dataclass(frozen=True)
class PastOutcome:
    """How a similar objective ended in an earlier cycle (from the store or from memory)."""

    objective_id: str
    past_id: str
    title: str
    cycle: str
    score: float
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ChartData:
    """What the charts draw: not narrative facts, but from the same computation."""

    kr_scores: tuple[float, ...]
    burn_up: Mapping[str, tuple[tuple[float, float], ...]]
    """KR id -> (share of cycle elapsed, progress) at each check-in up to the date."""
    heatmap_rows: tuple[str, ...]
    heatmap_cols: tuple[str, ...]
    heatmap: tuple[tuple[float | None, ...], ...]
    trend: tuple[TrendPoint, ...]
    elapsed: float


@dataclass
class ReviewFacts:
    """Everything a review of one scope and cycle at one date is written from."""

    org_id: str
    org_name: str
    cycle: Cycle
    as_of: date
    scope: str
    team_id: str | None
    facts: dict[str, Fact]
    objectives: tuple[ObjectiveView, ...]
    risks: tuple[RiskView, ...]
    all_risks: tuple[RiskView, ...]
    teams: tuple[TeamView, ...]
    wins: tuple[str, ...]
    misses: tuple[str, ...]
    movers: tuple[str, ...]
    stale: tuple[str, ...]
    dependency_problems: tuple[str, ...]
    health: tuple[str, ...]
    charts: ChartData
    identity: frozenset[str] = field(default_factory=frozenset)
    """Number tokens that belong to the cycle's identity (years, cycle names)."""
    cycle_names: tuple[str, ...] = ()
    earlier_cycles: frozenset[str] = frozenset()
    """Names and ids of the cycles that ended before this one started."""

    def fact(self, fact_id: str) -> Fact:
        return self.facts[fact_id]

    def shown(self, fact_id: str) -> str:
        """The first display form of a fact (what templates write)."""
        return self.facts[fact_id].shown

    def add(self, fact: Fact) -> str:
        self.facts[fact.id] = fact
        return fact.id

    def allowed_tokens(self, fact_ids: Iterable[str] | None = None) -> frozenset[str]:
        """Every number token a narrative may contain: the display forms of the facts
        (of `fact_ids` only, when given) and the cycle's identity numbers."""
        tokens: set[str] = set(self.identity)
        chosen = (self.facts.values() if fact_ids is None
                  else (self.facts[i] for i in fact_ids if i in self.facts))
        for f in chosen:
            for d in f.display:
                tokens.update(number_tokens(d))
        return frozenset(tokens)

    def add_past_outcomes(self, outcomes: Iterable[PastOutcome]) -> None:
        """Attach outcomes of similar past objectives (e.g. found in memory) to the objectives."""
        extra: dict[str, list[str]] = defaultdict(list)
        for p in outcomes:
            fid = self.add(Fact(f"past:{p.objective_id}:{p.past_id}:score", "past_outcome",
                                f"final score of similar objective {p.title!r} in {p.cycle}",
                                round(p.score, 4), _score_forms(p.score), p.sources))
            extra[p.objective_id].append(fid)
        self.objectives = tuple(
            replace(o, past=tuple(dict.fromkeys((*o.past, *extra.get(o.id, ())))))
            for o in self.objectives)


# ---- helpers ------------------------------------------------------------------


def _score_forms(x: float) -> tuple[str, ...]:
    return (f"{x:.2f}", f"{x:.0%}")


def _change_forms(x: float) -> tuple[str, ...]:
    return (f"{x:+.2f}", f"{abs(x):.2f}")


def _share_forms(x: float) -> tuple[str, ...]:
    return (f"{x:.0%}", f"{x:.2f}")


def _count_forms(n: int) -> tuple[str, ...]:
    return (str(n),)


def _value_forms(v: float, unit: str) -> tuple[str, ...]:
    plain = f"{v:,.2f}".rstrip("0").rstrip(".") if v != int(v) else f"{int(v):,}"
    return (f"{plain} {unit}".strip(), plain)


def _ci_ref(ci: CheckIn) -> str:
    return ci.id or f"{ci.kr_id}@{ci.at.date().isoformat()}"


def default_as_of(cycle: Cycle, kind: str, today: date | None = None) -> date:
    """The date a review of `kind` looks at: the middle for a mid-cycle review of a past
    cycle, otherwise today, never past the cycle's end nor before its start."""
    day = today or date.today()
    if kind == "midcycle":
        middle = cycle.start + (cycle.end - cycle.start) / 2
        day = min(day, middle)
    return max(cycle.start, min(day, cycle.end))


def resolve_team(snapshot: OrgSnapshot, team: str | None) -> Team | None:
    """The team named or identified by `team` (None for the whole organisation)."""
    if team is None:
        return None
    for t in snapshot.teams:
        if team in (t.id, t.name) or team.lower() == t.name.lower():
            return t
    names = ", ".join(t.name for t in snapshot.teams)
    raise NotFoundError(f"no team {team!r}; known teams: {names}")


def _subtree(snapshot: OrgSnapshot, root: str) -> set[str]:
    children: dict[str, list[str]] = defaultdict(list)
    for t in snapshot.teams:
        if t.parent_id:
            children[t.parent_id].append(t.id)
    out, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in out:
            out.add(node)
            stack.extend(children[node])
    return out


def quarter_of(snapshot: OrgSnapshot, cycle: Cycle, as_of: date) -> QuarterFile:
    """The cycle's published and closed OKRs as a quarter file at `as_of`, for the risk radar.

    Check-ins after `as_of` are left out; currency key results read as
    metrics; metric key results without a baseline or target are left out
    (the radar cannot pace them).
    """
    objectives = active_objectives(snapshot, cycle.id)
    teams = [{"id": t.id, "name": t.name, "parent": t.parent_id} for t in snapshot.teams]
    team_ids = {t.id for t in snapshot.teams}
    if any(o.team_id not in team_ids for o in objectives):
        teams.append({"id": "(no team)", "name": "no team", "parent": None})
    krs = [kr for o in objectives for kr in o.key_results
           if kr.kind is KRKind.MILESTONE or (kr.baseline is not None and kr.target is not None)]
    kr_ids = {kr.id for kr in krs}
    depends: dict[str, list[str]] = defaultdict(list)
    for d in snapshot.dependencies:
        if d.kr_id in kr_ids and d.upstream_kr_id in kr_ids:
            depends[d.kr_id].append(d.upstream_kr_id)
    milestone = KRKind.MILESTONE
    data = {
        "cycle": {"name": cycle.name, "start": cycle.start, "end": cycle.end},
        "as_of": as_of,
        "teams": teams,
        "objectives": [{"id": o.id, "team": o.team_id if o.team_id in team_ids else "(no team)",
                        "title": o.title, "parent": None} for o in objectives],
        "key_results": [{
            "id": kr.id, "objective": kr.objective_id, "owner": kr.owner_id, "text": kr.text,
            "kind": "metric" if kr.kind is KRKind.CURRENCY else kr.kind.value,
            "direction": kr.direction.value,
            "baseline": kr.baseline if kr.baseline is not None else 0,
            "target": kr.target if kr.target is not None else (1 if kr.kind is milestone else 0),
            "unit": kr.unit, "depends_on": depends.get(kr.id, []),
            "check_ins": [{"date": c.at.date(), "value": c.value, "confidence": c.confidence,
                           "note": c.note}
                          for c in sorted(kr.check_ins, key=lambda c: c.at)
                          if c.at.date() <= as_of],
        } for kr in krs],
    }
    return QuarterFile.model_validate(data)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2}


def _similar(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _past_outcomes(snapshot: OrgSnapshot, cycle: Cycle,
                   objectives: Sequence[Objective]) -> list[PastOutcome]:
    """Objectives of the same team in earlier closed cycles whose titles or KR metrics match."""
    earlier = [c for c in snapshot.cycles if c.end < cycle.start]
    by_cycle = {c.id: c for c in earlier}
    out: list[PastOutcome] = []
    for o in objectives:
        mine = o.title + " " + " ".join(kr.text for kr in o.key_results)
        for c in sorted(earlier, key=lambda c: c.start):
            best: tuple[float, Objective] | None = None
            for p in active_objectives(snapshot, c.id):
                if p.team_id != o.team_id:
                    continue
                sim = max(_similar(o.title, p.title),
                          _similar(mine, p.title + " " + " ".join(k.text for k in p.key_results)))
                if sim >= SIMILAR_WORDS and (best is None or sim > best[0]):
                    best = (sim, p)
            if best is not None:
                p = best[1]
                score = objective_score(p.key_results, by_cycle[c.id].end)
                out.append(PastOutcome(o.id, p.id, p.title, c.name, score,
                                       (p.id, *(k.id for k in p.key_results))))
    return out


def identity_tokens(cycles: Iterable[Cycle]) -> frozenset[str]:
    """Numbers that name a cycle rather than measure anything: years and the digits in its name."""
    out: set[str] = set()
    for c in cycles:
        out.update({str(c.start.year), str(c.end.year)})
        out.update(re.findall(r"\d+", c.name))
    return frozenset(out)


# ---- the computation ------------------------------------------------------------


def build_facts(snapshot: OrgSnapshot, cycle: str | None = None, *, as_of: date | None = None,
                team: str | None = None, kind: str = "qbr",
                today: date | None = None) -> ReviewFacts:
    """Every fact of a review of `team` (or the whole tree) in `cycle` at `as_of`.

    `cycle` is a name or id (default: the cycle containing `today`); `as_of`
    defaults by `kind` (see `default_as_of`). Unknown cycles or teams raise
    `NotFoundError`.
    """
    chosen = pick_cycle(snapshot.cycles, cycle, today)
    day = as_of if as_of is not None else default_as_of(chosen, kind, today)
    day = max(chosen.start, min(day, chosen.end))
    prev_day = day - timedelta(days=PULSE_DAYS)
    scope_team = resolve_team(snapshot, team)
    in_scope = _subtree(snapshot, scope_team.id) if scope_team else None
    team_names = {t.id: t.name for t in snapshot.teams}
    people = {p.id: p.name for p in snapshot.people}
    objectives = [o for o in active_objectives(snapshot, chosen.id)
                  if in_scope is None or o.team_id in in_scope]
    if scope_team is not None and not objectives:
        raise NotFoundError(f"team {scope_team.name!r} has no published objectives in "
                            f"{chosen.name}")
    facts: dict[str, Fact] = {}

    def add(f: Fact) -> str:
        facts[f.id] = f
        return f.id

    cid = chosen.id
    add(Fact("threshold:success", "constant", "score that counts as success",
             SUCCESS_THRESHOLD, (f"{SUCCESS_THRESHOLD:.1f}", f"{SUCCESS_THRESHOLD:.0%}",
                                 f"{SUCCESS_THRESHOLD:.2f}")))
    elapsed = expected_progress(chosen.start, chosen.end, day)
    add(Fact(f"cycle:{cid}:elapsed", "cycle", "share of the cycle elapsed", round(elapsed, 4),
             _share_forms(elapsed), (cid,)))
    add(Fact(f"cycle:{cid}:days_left", "cycle", "days left in the cycle",
             (chosen.end - day).days, _count_forms((chosen.end - day).days), (cid,)))
    add(Fact("pulse:days", "constant", "days between pulses", PULSE_DAYS,
             _count_forms(PULSE_DAYS)))

    # -- objectives and key results
    obj_views: list[ObjectiveView] = []
    kr_scores: list[float] = []
    burn: dict[str, tuple[tuple[float, float], ...]] = {}
    total = max((chosen.end - chosen.start).days, 1)
    movers: list[tuple[float, str]] = []
    past = _past_outcomes(snapshot, chosen, objectives)
    past_by_obj: dict[str, list[PastOutcome]] = defaultdict(list)
    for p in past:
        past_by_obj[p.objective_id].append(p)
    for o in objectives:
        kr_views: list[KRView] = []
        for kr in o.key_results:
            score = kr_score(kr, day)
            kr_scores.append(score)
            last = latest_check_in(kr.check_ins, day)
            src = (kr.id, *((_ci_ref(last),) if last else ()))
            sid = add(Fact(f"kr:{kr.id}:score", "score", f"score of {kr.text!r}", round(score, 4),
                           _score_forms(score), src))
            add(Fact(f"kr:{kr.id}:text", "text", "numbers written in the key result itself",
                     kr.text, tuple(number_tokens(kr.text)), (kr.id,)))
            if last is not None:
                add(Fact(f"kr:{kr.id}:value", "value", f"latest value of {kr.text!r}",
                         last.value, _value_forms(last.value, kr.unit), (_ci_ref(last),)))
                if last.confidence is not None:
                    add(Fact(f"kr:{kr.id}:confidence", "confidence", "owner confidence",
                             last.confidence, (f"{last.confidence:.2f}",
                                               f"{last.confidence:.0%}"), (_ci_ref(last),)))
            change: str | None = None
            before = latest_check_in(kr.check_ins, prev_day)
            if day > chosen.start + timedelta(days=PULSE_DAYS - 1):
                delta = score - kr_score(kr, prev_day)
                change = add(Fact(f"kr:{kr.id}:change_pulse", "change",
                                  f"change in score over the last {PULSE_DAYS} days",
                                  round(delta, 4), _change_forms(delta),
                                  tuple(x for x in (kr.id, _ci_ref(last) if last else None,
                                                    _ci_ref(before) if before else None) if x)))
                if abs(delta) >= 0.05:
                    movers.append((delta, change))
            notes = []
            for c in sorted(kr.check_ins, key=lambda c: c.at):
                if c.at.date() <= day and c.note.strip():
                    ref = _ci_ref(c)
                    notes.append((ref, c.note.strip()))
                    add(Fact(f"note:{ref}", "note", "numbers written in a check-in note",
                             c.note.strip(), tuple(number_tokens(c.note)), (ref,)))
            points = tuple(((c.at.date() - chosen.start).days / total,
                            kr_score(replace(kr, check_ins=(c,)), None))
                           for c in sorted(kr.check_ins, key=lambda c: c.at)
                           if c.at.date() <= day)
            burn[kr.id] = points
            kr_views.append(KRView(kr.id, kr.text, o.id, people.get(kr.owner_id or "", "nobody"),
                                   sid, status_for(score), change, tuple(notes[-6:])))
        oscore = objective_score(o.key_results, day)
        osid = add(Fact(f"objective:{o.id}:score", "score", f"score of objective {o.title!r}",
                        round(oscore, 4), _score_forms(oscore),
                        (o.id, *(kr.id for kr in o.key_results))))
        add(Fact(f"objective:{o.id}:title", "text", "numbers written in the objective title",
                 o.title, tuple(number_tokens(o.title)), (o.id,)))
        ochange = None
        if day > chosen.start + timedelta(days=PULSE_DAYS - 1):
            od = oscore - objective_score(o.key_results, prev_day)
            ochange = add(Fact(f"objective:{o.id}:change_pulse", "change",
                               f"change in objective score over the last {PULSE_DAYS} days",
                               round(od, 4), _change_forms(od), (o.id,)))
        past_ids = tuple(add(Fact(f"past:{p.objective_id}:{p.past_id}:score", "past_outcome",
                                  f"final score of similar objective {p.title!r} in {p.cycle}",
                                  round(p.score, 4), _score_forms(p.score), p.sources))
                         for p in past_by_obj[o.id])
        obj_views.append(ObjectiveView(
            o.id, o.title, o.team_id, team_names.get(o.team_id or "", "no team"), o.level, osid,
            status_for(oscore), ochange, tuple(kr_views), past_ids))

    # -- counts and distribution
    n_krs = len(kr_scores)
    add(Fact("count:objectives", "count", "objectives reviewed", len(objectives),
             _count_forms(len(objectives)), tuple(o.id for o in objectives)))
    add(Fact("count:key_results", "count", "key results reviewed", n_krs, _count_forms(n_krs),
             tuple(kr.id for o in objectives for kr in o.key_results)))
    bands = {s: 0 for s in Status}
    for s in kr_scores:
        bands[status_for(s)] += 1
    for band, n in bands.items():
        add(Fact(f"count:kr_{band.value}", "count", f"key results scoring {band.value}", n,
                 _count_forms(n)))
        share = n / n_krs if n_krs else 0.0
        add(Fact(f"share:kr_{band.value}", "share", f"share of key results {band.value}",
                 round(share, 4), _share_forms(share)))
    mean = sum(kr_scores) / n_krs if n_krs else 0.0
    all_krs = tuple(kr.id for o in objectives for kr in o.key_results)
    add(Fact("score:mean_kr", "score", "mean key result score", round(mean, 4),
             _score_forms(mean), all_krs))
    obj_mean = (sum(float(facts[v.score].value or 0) for v in obj_views) / len(obj_views)
                if obj_views else 0.0)
    add(Fact("score:mean_objective", "score", "mean objective score", round(obj_mean, 4),
             _score_forms(obj_mean), tuple(o.id for o in objectives)))

    wins = [kv.score for ov in obj_views for kv in ov.key_results
            if kv.status is Status.ON_TRACK]
    misses = [kv.score for ov in obj_views for kv in ov.key_results
              if kv.status is Status.OFF_TRACK]

    # -- change since last cycle, per team and overall
    previous = [c for c in snapshot.cycles if c.end < chosen.start and c.kind == chosen.kind]
    prev_cycle = max(previous, key=lambda c: c.end) if previous else None
    prev_objs: list[Objective] = []
    prev_at: date | None = None
    if prev_cycle is not None:
        prev_len = (prev_cycle.end - prev_cycle.start).days
        prev_at = (prev_cycle.end if day >= chosen.end else
                   prev_cycle.start + timedelta(days=round(prev_len * elapsed)))
        when = ("at the end of" if prev_at >= prev_cycle.end else
                "at the same point of")
        prev_objs = [o for o in active_objectives(snapshot, prev_cycle.id)
                     if in_scope is None or o.team_id in in_scope]
        if prev_objs:
            pm = sum(objective_score(o.key_results, prev_at) for o in prev_objs) / len(
                prev_objs)
            add(Fact("score:mean_objective_previous_cycle", "score",
                     f"mean objective score {when} {prev_cycle.name}", round(pm, 4),
                     _score_forms(pm), (prev_cycle.id,)))
            add(Fact("score:change_cycle", "change",
                     f"change in mean objective score against {prev_cycle.name} {when} it",
                     round(obj_mean - pm, 4), _change_forms(obj_mean - pm),
                     (prev_cycle.id, cid)))

    team_views: list[TeamView] = []
    by_team: dict[str, list[ObjectiveView]] = defaultdict(list)
    for ov in obj_views:
        by_team[ov.team_id or ""].append(ov)
    for tid, ovs in by_team.items():
        tmean = sum(float(facts[v.score].value or 0) for v in ovs) / len(ovs)
        tsid = add(Fact(f"team:{tid}:score", "score",
                        f"mean objective score of {team_names.get(tid, tid)}", round(tmean, 4),
                        _score_forms(tmean), tuple(v.id for v in ovs)))
        tchange = None
        if prev_cycle is not None and prev_at is not None:
            tp = [o for o in prev_objs if (o.team_id or "") == tid]
            if tp:
                pmean = sum(objective_score(o.key_results, prev_at) for o in tp) / len(tp)
                tchange = add(Fact(f"team:{tid}:change_cycle", "change",
                                   f"change since {prev_cycle.name}", round(tmean - pmean, 4),
                                   _change_forms(tmean - pmean),
                                   (prev_cycle.id, *(o.id for o in tp))))
        st = [kv.status for v in ovs for kv in v.key_results]
        counts = (st.count(Status.ON_TRACK), st.count(Status.AT_RISK), st.count(Status.OFF_TRACK))
        for name, n in zip(("on_track", "at_risk", "off_track", "objectives"),
                           (*counts, len(ovs)), strict=True):
            add(Fact(f"team:{tid}:{name}", "count", f"{name.replace('_', ' ')} count of "
                     f"{team_names.get(tid, tid)}", n, _count_forms(n), tuple(v.id for v in ovs)))
        team_views.append(TeamView(tid, team_names.get(tid, "no team"), tsid, tchange, len(ovs),
                                   *counts))
    team_views.sort(key=lambda t: -float(facts[t.score].value or 0))

    # -- risk radar
    obj_of = {kr.id: o.id for o in objectives for kr in o.key_results}
    report = assess_quarter(quarter_of(snapshot, chosen, day))
    risk_views: list[RiskView] = []
    risk_by_id: dict[str, KRRisk] = {}
    for r in report.key_results:
        risk_by_id[r.id] = r
        if r.id not in obj_of:
            continue
        pid = add(Fact(f"kr:{r.id}:p_miss", "risk", "chance of ending below the success score",
                       round(r.p_miss, 4), (f"{r.p_miss:.0%}", f"{r.p_miss:.2f}"), (r.id,)))
        fid = add(Fact(f"kr:{r.id}:forecast", "risk", "forecast final score",
                       round(r.forecast, 4), _score_forms(r.forecast), (r.id,)))
        eid = add(Fact(f"kr:{r.id}:risk_explanation", "risk", "the radar's explanation",
                       r.explanation, tuple(number_tokens(r.explanation)), (r.id,)))
        del pid, fid
        risk_views.append(RiskView(r.id, obj_of[r.id], r.status, f"kr:{r.id}:p_miss",
                                   f"kr:{r.id}:forecast", r.reasons, eid))
    risk_views.sort(key=lambda v: (-float(facts[v.p_miss].value or 0), v.kr_id))
    flagged = [v for v in risk_views if v.status != "on_track"]
    for radar_band in ("at_risk", "off_track"):
        n = sum(1 for v in risk_views if v.status == radar_band)
        add(Fact(f"count:risk_{radar_band}", "count", f"key results the radar rates {radar_band}",
                 n, _count_forms(n), tuple(v.kr_id for v in risk_views
                                           if v.status == radar_band)))
    add(Fact("count:risk_flagged", "count", "key results at risk or off track", len(flagged),
             _count_forms(len(flagged)), tuple(v.kr_id for v in flagged)))

    # -- dependencies
    dep_ids: list[str] = []
    for d in snapshot.dependencies:
        if d.kr_id in obj_of and (up := risk_by_id.get(d.upstream_kr_id)) is not None \
                and up.status != "on_track":
            dep_ids.append(add(Fact(
                f"dep:{d.kr_id}:{d.upstream_kr_id}", "dependency",
                f"{d.kr_id} depends on {d.upstream_kr_id}, which the radar rates {up.status}",
                round(up.p_miss, 4), (f"{up.p_miss:.0%}", f"{up.p_miss:.2f}"),
                (d.kr_id, d.upstream_kr_id))))

    # -- programme health (of the organisation) and its trend
    health = programme_health(snapshot, cid, day)
    health_ids = _health_facts(health, add, cid)
    stale_ids = []
    for stale_kr in health.stale:
        if stale_kr.kr_id not in obj_of:
            continue
        days = stale_kr.days_since
        stale_ids.append(add(Fact(
            f"stale:{stale_kr.kr_id}", "stale",
            f"days since {people.get(stale_kr.owner_id or '', 'the owner')} last checked in "
            f"on {stale_kr.kr_id}", days,
            (f"{days}", f"{days} days") if days is not None else ("no check-in",),
            (stale_kr.kr_id,))))
    add(Fact("count:stale", "count", "stale key results in scope", len(stale_ids),
             _count_forms(len(stale_ids)), tuple(f.split(":", 1)[1] for f in stale_ids)))

    trend = _trend(snapshot, chosen, day)
    rows, cols, grid = _heatmap(snapshot, chosen, objectives, day, team_names)
    movers.sort(key=lambda m: -abs(m[0]))
    cycles_seen = [c for c in snapshot.cycles if c.start <= chosen.end]
    return ReviewFacts(
        org_id=snapshot.organisation.id, org_name=snapshot.organisation.name, cycle=chosen,
        as_of=day, scope=scope_team.name if scope_team else snapshot.organisation.name,
        team_id=scope_team.id if scope_team else None, facts=facts,
        objectives=tuple(obj_views), risks=tuple(flagged[:TOP_RISKS]),
        all_risks=tuple(risk_views), teams=tuple(team_views), wins=tuple(wins),
        misses=tuple(misses), movers=tuple(m[1] for m in movers), stale=tuple(stale_ids),
        dependency_problems=tuple(dep_ids), health=health_ids,
        charts=ChartData(tuple(kr_scores), burn, rows, cols, grid, trend, elapsed),
        identity=identity_tokens(snapshot.cycles),
        cycle_names=tuple(c.name for c in cycles_seen),
        earlier_cycles=frozenset(x for c in snapshot.cycles if c.end < chosen.start
                                 for x in (c.id, c.name)))


def _health_facts(h: ProgrammeHealth, add: Callable[[Fact], str], cid: str) -> tuple[str, ...]:
    ids = []
    for name, r in (("adoption", h.adoption), ("check_in_rate", h.check_in_rate),
                    ("alignment_coverage", h.alignment_coverage)):
        ids.append(add(Fact(f"health:{name}", "health", f"{name.replace('_', ' ')}: {r.basis}",
                            round(r.value, 4), _share_forms(r.value), (cid,))))
        add(Fact(f"health:{name}:numerator", "count", f"{name} numerator", r.numerator,
                 _count_forms(r.numerator), (cid,)))
        add(Fact(f"health:{name}:denominator", "count", f"{name} denominator", r.denominator,
                 _count_forms(r.denominator), (cid,)))
    ids.append(add(Fact("health:gaps", "health", "company objectives no team supports",
                        len(h.gaps), _count_forms(len(h.gaps)),
                        (cid, *(g.id for g in h.gaps)))))
    ids.append(add(Fact("health:stale", "health", "stale key results in the organisation",
                        len(h.stale), _count_forms(len(h.stale)),
                        (cid, *(s.kr_id for s in h.stale)))))
    ids.append(add(Fact("health:expected_progress", "health", "progress a linear plan expects",
                        round(h.expected_progress, 4), _share_forms(h.expected_progress),
                        (cid,))))
    return tuple(ids)


def _trend(snapshot: OrgSnapshot, cycle: Cycle, day: date) -> tuple[TrendPoint, ...]:
    points = []
    for c in sorted(snapshot.cycles, key=lambda c: c.start):
        if c.start > cycle.start or c.kind != cycle.kind:
            continue
        at = day if c.id == cycle.id else c.end
        h = programme_health(snapshot, c.id, at)
        d = h.scores
        name = f"{c.name} (to date)" if at < c.end else c.name
        points.append(TrendPoint(name, d.mean, d.on_track / d.total if d.total else 0.0,
                                 h.adoption.value, h.alignment_coverage.value))
    return tuple(points)


def _heatmap(snapshot: OrgSnapshot, cycle: Cycle, objectives: Sequence[Objective], day: date,
             team_names: Mapping[str, str]
             ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[float | None, ...], ...]]:
    """Teams (rows) by company objective (columns): mean score of the team's objectives
    that support it; None where a team does not support it."""
    company = [o for o in cycle_objectives(snapshot, cycle.id) if o.level is Level.COMPANY]
    parents = objective_parents(snapshot, cycle.id)
    cells: dict[tuple[str, str], list[float]] = defaultdict(list)
    teams: list[str] = []
    for o in objectives:
        if o.level is Level.COMPANY:
            continue
        team = team_names.get(o.team_id or "", "no team")
        if team not in teams:
            teams.append(team)
        for p in parents.get(o.id, ()):
            cells[(team, p)].append(objective_score(o.key_results, day))
    cols = tuple(c.title for c in company)
    grid = tuple(tuple((sum(v) / len(v)) if (v := cells.get((t, c.id))) else None
                       for c in company) for t in teams)
    return tuple(teams), cols, grid
