"""The drafter's facts, draft types and its deterministic (offline) engine.

Drafts are built from facts, never from thin air: each metric fact carries
the value its latest check-in shows (the baseline a new key result starts
from) and a history-informed target. The target rule is stated once, in
`target_for`: the median move the same metric made in past closed cycles,
divided by 0.7, so repeating an ordinary quarter scores 0.7 (a success) and
1.0 needs a stretch.

With no model the drafter composes objectives from the team's own objective
groups (their metrics), titles each from what it is about (`TITLE_THEMES`:
the metrics' theme and the parent's or focus's aim, e.g. retention), keeps a
current title only when nothing fits and says so in the rationale, fills
every key result with the real baseline and that target, and revises by
rules when the critic objects (replace or drop a failing key result, add one
from the unused metrics, rewrite a failing title). `draft_from_document` reads goals
with numbers out of a plain-text or Markdown strategy document.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from okr.models import Direction, KRKind
from okr.quality import (
    MAX_KRS,
    MIN_KRS,
    Critique,
    CritiqueContext,
    KRInput,
    OKRInput,
    Severity,
    TeamInput,
    critique,
    is_objective_task,
    is_objective_vague,
)
from okr.quantities import decimals_of, format_value, parse_kr
from okr.scoring import SUCCESS_THRESHOLD
from tools.okr_reads import MetricReading, PastKR, metric_key

__all__ = [
    "TITLE_THEMES",
    "DraftKR",
    "DraftObjective",
    "Facts",
    "MetricFact",
    "ParentFact",
    "PastFact",
    "compose_offline",
    "critique_draft",
    "draft_from_document",
    "kr_text",
    "metric_fact",
    "objective_title",
    "revise_offline",
    "target_for",
]

UNKNOWN_BASELINE = "baseline unknown: measure first"


class MetricFact(BaseModel):
    """One metric the team can draft from, with the numbers a key result may use."""

    id: str
    kr_id: str
    metric: str
    unit: str = ""
    kind: str = KRKind.METRIC.value
    direction: Literal["increase", "decrease"] = "increase"
    current: float | None = None
    as_of: str | None = None
    objective_id: str = ""
    objective_title: str = ""
    cycle: str = ""
    parents: list[str] = Field(default_factory=list)
    target: float | None = None
    target_note: str = ""
    history: list[str] = Field(default_factory=list)

    @property
    def baseline_note(self) -> str:
        if self.current is None:
            return UNKNOWN_BASELINE
        return f"baseline from data: last check-in {self.as_of}" if self.as_of else \
            "baseline from data: current value"


class ParentFact(BaseModel):
    id: str
    title: str
    cycle: str
    key_results: list[str] = Field(default_factory=list)


class PastFact(BaseModel):
    title: str
    cycle: str
    score: float
    key_results: list[str] = Field(default_factory=list)


class Facts(BaseModel):
    """Everything a draft may be grounded on, gathered before drafting (no model involved)."""

    metrics: list[MetricFact] = Field(default_factory=list)
    parent: ParentFact | None = None
    company: list[ParentFact] = Field(default_factory=list)
    past: list[PastFact] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    memory: list[str] = Field(default_factory=list)
    existing_objectives: int = 0

    def by_id(self, fact_id: str | None) -> MetricFact | None:
        return next((m for m in self.metrics if fact_id in (m.id, m.kr_id)), None)

    def by_metric(self, name: str) -> MetricFact | None:
        key = metric_key(name)
        return next((m for m in self.metrics if metric_key(m.metric) == key), None)


class DraftKR(BaseModel):
    """A drafted key result: metric, numbers, and where the numbers come from."""

    text: str
    metric: str
    baseline: float | None = None
    target: float | None = None
    unit: str = ""
    kind: str = KRKind.METRIC.value
    direction: Literal["increase", "decrease"] = "increase"
    fact_id: str | None = None
    baseline_note: str = UNKNOWN_BASELINE
    target_note: str = ""


class DraftObjective(BaseModel):
    """A drafted objective with its key results, parent and the critic's latest verdict."""

    title: str
    key_results: list[DraftKR]
    parent_id: str | None = None
    rationale: str = ""
    critique: Critique | None = None

    @property
    def publishable(self) -> bool:
        return self.critique is not None and self.critique.publishable


# ------------------------------------------------------------------ numbers


def kr_text(metric: str, baseline: float | None, target: float | None, unit: str) -> str:
    """'<metric> from <baseline> to <target>' (or 'to <target>' when the baseline is unknown)."""
    if target is None:
        return metric
    if baseline is None:
        return f"{metric} to {format_value(target, unit)}"
    return f"{metric} from {format_value(baseline, unit)} to {format_value(target, unit)}"


def target_for(current: float, direction: Direction, unit: str,
               history: Sequence[PastKR]) -> tuple[float, str]:
    """A stretch target for a metric now at `current`, and how it was set.

    The median move in the good direction over past cycles, divided by 0.7
    (`SUCCESS_THRESHOLD`), so an ordinary quarter scores 0.7; when the metric
    did not move (or went backwards) half the median planned move; with no
    history at all, 10% of the current value. Percentages stay within
    0..100 and decreasing metrics above 0.
    """
    moves = [h.moved for h in history if h.moved is not None]
    planned = [h.planned for h in history if h.planned is not None and h.planned > 0]
    if moves and statistics.median(moves) > 0:
        typical = statistics.median(moves)
        step = typical / SUCCESS_THRESHOLD
        note = (f"median move {typical:.3g} over {len(moves)} past cycle(s); target = "
                f"that / {SUCCESS_THRESHOLD} so an ordinary quarter scores 0.7")
    elif planned:
        step = statistics.median(planned) / 2
        note = (f"no progress in {len(moves)} past cycle(s); half the usual planned move "
                f"({statistics.median(planned):.3g})")
    else:
        step = abs(current) * 0.1 or 1.0
        note = "no history: a 10% move"
    target = current + step if direction is Direction.INCREASE else current - step
    if unit == "%" and current <= 100:
        target = min(100.0, max(0.0, target))
    if direction is Direction.DECREASE:
        target = max(0.0, target)
    places = max(decimals_of(current, most=2), 1 if abs(step) < 10 else 0)
    rounded = round(target, places)
    while rounded == current and places < 4:
        places += 1
        rounded = round(target, places)
    return rounded, note


def metric_fact(index: int, reading: MetricReading, history: Sequence[PastKR]) -> MetricFact:
    """The fact for one team metric, with its target worked out from its history."""
    target: float | None = None
    note = ""
    if reading.current is not None:
        target, note = target_for(reading.current, reading.direction, reading.unit, history)
    lines = [f"{h.cycle}: {format_value(h.baseline, h.unit) if h.baseline is not None else '?'}"
             f" -> {format_value(h.final, h.unit) if h.final is not None else '?'} "
             f"(target {format_value(h.target, h.unit) if h.target is not None else '?'}, "
             f"score {h.score:.2f})" for h in history]
    return MetricFact(
        id=f"m{index}", kr_id=reading.kr_id, metric=reading.metric, unit=reading.unit,
        kind=reading.kind.value, direction=reading.direction.value, current=reading.current,
        as_of=reading.as_of.isoformat() if reading.as_of else None,
        objective_id=reading.objective_id, objective_title=reading.objective_title,
        cycle=reading.cycle, parents=list(reading.parents), target=target, target_note=note,
        history=lines)


def kr_from_fact(fact: MetricFact, target: float | None = None) -> DraftKR:
    """A key result on a known metric: baseline from data, target given or from history."""
    goal = fact.target if target is None else target
    return DraftKR(text=kr_text(fact.metric, fact.current, goal, fact.unit), metric=fact.metric,
                   baseline=fact.current, target=goal, unit=fact.unit, kind=fact.kind,
                   direction=fact.direction, fact_id=fact.id, baseline_note=fact.baseline_note,
                   target_note=fact.target_note if target is None else "target proposed")


# ------------------------------------------------------------------ critique


def critique_draft(draft: DraftObjective, index: int, team: str, function: str | None,
                   cycle: str, team_objectives: int) -> Critique:
    """The quality rules' verdict on one draft (okr.quality, deterministic)."""
    okr = OKRInput(
        id=f"draft-{index + 1}", objective=draft.title,
        team=TeamInput(name=team, function=function), cycle=cycle,
        key_results=[KRInput(text=k.text, metric=k.metric, baseline=k.baseline,
                             target=k.target, unit=k.unit or None, direction=k.direction)
                     for k in draft.key_results])
    return critique(okr, CritiqueContext(team_objectives=team_objectives))


# ------------------------------------------------------------------ composing


def _words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _groups(facts: Facts) -> list[tuple[str, list[MetricFact]]]:
    groups: dict[str, tuple[str, list[MetricFact]]] = {}
    for m in facts.metrics:
        if m.current is None:
            continue
        key = m.objective_title or m.objective_id
        groups.setdefault(key, (m.objective_title, []))[1].append(m)
    return list(groups.values())


def _rank(groups: list[tuple[str, list[MetricFact]]], facts: Facts,
          parent_id: str | None, focus: str | None) -> list[tuple[str, list[MetricFact]]]:
    def aligned(group: list[MetricFact]) -> bool:
        return parent_id is not None and any(parent_id in m.parents for m in group)

    wanted = _words(focus or "") | _words(facts.parent.title if facts.parent else "")

    def overlap(title: str, group: list[MetricFact]) -> int:
        return len(wanted & _words(" ".join([title, *(m.metric for m in group)])))

    if parent_id is not None and any(aligned(g) for _, g in groups):
        groups = [(t, g) for t, g in groups if aligned(g)]
    return sorted(groups, key=lambda tg: (overlap(*tg), len(tg[1])), reverse=True)


def _parent_of(group: list[MetricFact], requested: str | None) -> str | None:
    if requested is not None:
        return requested
    for m in group:
        objective_parents = [p for p in m.parents if p.startswith("o-")] or m.parents
        if objective_parents:
            return objective_parents[0]
    return None


def compose_offline(facts: Facts, *, count: int | None, parent_id: str | None,
                    focus: str | None = None) -> list[DraftObjective]:
    """Draft objectives from the team's metric groups with real baselines and history targets.

    With a requested parent, only groups already aligned to it are used when
    there are any. A group needs at least two metrics with a known value;
    if none has, every known metric is pooled into one objective. Titles are
    written afresh from the group's metrics, the parent and the focus
    (`objective_title`); a current title is kept only when nothing fits
    better, and the rationale then says it was carried over.
    """
    groups = [(t, g) for t, g in _rank(_groups(facts), facts, parent_id, focus)
              if len(g) >= MIN_KRS]
    if not groups:
        pooled = [m for m in facts.metrics if m.current is not None]
        if not pooled:
            return []
        groups = [(pooled[0].objective_title, pooled)]
    wanted = count or min(len(groups), 3)
    aim = " ".join(filter(None, [focus, facts.parent.title if facts.parent else None]))
    taken: set[str] = set()
    drafts: list[DraftObjective] = []
    for old, group in groups[:wanted]:
        krs = [kr_from_fact(m) for m in group[:MAX_KRS]]
        title = objective_title(group, aim=aim, taken=taken) or old or _template_title(group)
        taken.add(title)
        drafts.append(DraftObjective(
            title=title, key_results=krs, parent_id=_parent_of(group, parent_id),
            rationale=_title_note(title, old, group[0].cycle) + "; baselines from the latest "
                      "check-ins and targets from how far these metrics moved in past quarters"))
    return drafts


def _title_note(title: str, old: str, cycle: str) -> str:
    since = f" from {cycle}" if cycle else ""
    if title == old:
        return f"title carried over{since}: no better-fitting wording for these metrics"
    if old:
        return f"new title for the metrics behind '{old}'{since}"
    return "new title from the metrics"


class TitleTheme(BaseModel):
    """What a group of metrics is about, and how to say where the team wants it to go.

    `cues` are word stems (first five letters) found in metric names;
    `phrasings` maps the theme of the parent or focus ("" for any) to titles
    in order of preference, so the same metrics read differently under a
    retention parent than under a growth one.
    """

    name: str
    cues: frozenset[str]
    phrasings: dict[str, tuple[str, ...]]


#: The offline engine's objective wording, one place: themes of metrics and the
#: outcome-shaped titles each may take. Aims (parent/focus themes) are the keys
#: of `AIMS`; every title here passes `okr.quality` (tests check).
TITLE_THEMES: tuple[TitleTheme, ...] = (
    TitleTheme(name="time to value", cues=frozenset(
        {"first", "onboa", "value", "plan", "setup", "activ", "succe"}), phrasings={
        "retention": ("Get new customers to value faster so they stay",
                      "Make every new customer's first month the reason they renew"),
        "": ("Get new customers to value faster",
             "Make the first weeks with us a clear success for every new customer"),
    }),
    TitleTheme(name="expansion", cues=frozenset(
        {"expan", "top", "large", "busin", "revie", "upsel", "seats"}), phrasings={
        "retention": ("Grow our largest accounts by keeping them successful",
                      "Keep our biggest customers growing with us"),
        "": ("Grow revenue from the customers who already rely on us",
             "Deepen our relationships with our largest accounts"),
    }),
    TitleTheme(name="retention", cues=frozenset({"churn", "reten", "renew", "logo"}), phrasings={
        "": ("Keep more customers renewing year after year",
             "Give customers fewer reasons to leave"),
    }),
    TitleTheme(name="support", cues=frozenset(
        {"ticke", "csat", "respo", "suppo", "resol", "touch"}), phrasings={
        "retention": ("Answer customers quickly and well so they stay",),
        "": ("Answer every customer quickly and get it right the first time",
             "Make getting help from us fast and painless"),
    }),
    TitleTheme(name="sales", cues=frozenset(
        {"win", "deals", "oppor", "sales", "cycle", "close"}), phrasings={
        "": ("Win more of the deals that fit us best",
             "Turn more qualified opportunities into customers, faster"),
    }),
    TitleTheme(name="demand", cues=frozenset(
        {"pipel", "leads", "marke", "quali", "sourc"}), phrasings={
        "": ("Bring sales more qualified demand at a lower cost",
             "Grow a pipeline of buyers who are ready to talk"),
    }),
    TitleTheme(name="partners", cues=frozenset({"partn", "resel", "chann"}), phrasings={
        "": ("Make partners a steady source of new customers",),
    }),
    TitleTheme(name="reliability", cues=frozenset(
        {"uptim", "incid", "sev", "laten", "load", "p95", "bugs", "outag"}), phrasings={
        "retention": ("Keep the product fast and dependable so customers stay",),
        "": ("Keep the product fast and dependable for every customer",
             "Give customers a platform they never have to think about"),
    }),
    TitleTheme(name="adoption", cues=frozenset(
        {"weekl", "daily", "usage", "using", "adopt", "alert", "activ"}), phrasings={
        "": ("Get more teams relying on the product every week",
             "Make the product part of how customers work each day"),
    }),
    TitleTheme(name="people", cues=frozenset(
        {"attri", "emplo", "hire", "roles", "hirin", "regre"}), phrasings={
        "": ("Build a team people want to join and stay on",),
    }),
    TitleTheme(name="finance", cues=frozenset(
        {"margi", "month", "outst", "cost", "spend", "books"}), phrasings={
        "": ("Keep more of every dollar we earn",
             "Run a leaner business that closes its books faster"),
    }),
    TitleTheme(name="security", cues=frozenset(
        {"vulne", "mfa", "soc", "secur", "contr", "phish", "quest", "evide"}), phrasings={
        "": ("Earn customers' trust with security we can prove",
             "Make our security a reason customers choose us"),
    }),
    TitleTheme(name="advocacy", cues=frozenset({"case", "studi", "webin", "advoc", "refer"}),
               phrasings={"": ("Turn happy customers into public advocates",)}),
    TitleTheme(name="forecasting", cues=frozenset({"forec", "mape", "error", "accur"}),
               phrasings={"": ("Give customers forecasts they can trust",)}),
)

#: Word stems that say what a parent objective or a request's focus is after.
AIMS: dict[str, frozenset[str]] = {
    "retention": frozenset({"reten", "churn", "renew", "keep", "stay", "loyal"}),
}


def _aim_of(text: str) -> str:
    words = _words(text)
    return next((name for name, cues in AIMS.items() if words & cues), "")


def _theme_score(theme: TitleTheme, group: Sequence[MetricFact]) -> int:
    return sum(len(_words(m.metric) & theme.cues) * 2 + len(_words(m.objective_title) & theme.cues)
               for m in group)


def objective_title(group: Sequence[MetricFact], *, aim: str = "",
                    taken: set[str] | None = None) -> str | None:
    """An outcome-shaped title for an objective over `group`'s metrics, or None if none fits.

    The theme whose cues the metric names (and their current objective's
    title) share most wins, ties going to table order; under an aim such as
    retention (from the parent objective or the request's focus) that
    theme's aim-specific wording comes first. Titles in `taken` are skipped
    so one draft's objectives read differently. Deterministic.
    """
    taken = taken or set()
    want = _aim_of(aim)
    scored = sorted(((s, i) for i, t in enumerate(TITLE_THEMES)
                     if (s := _theme_score(t, group)) > 0), key=lambda si: (-si[0], si[1]))
    for _, index in scored:
        theme = TITLE_THEMES[index]
        options = [*theme.phrasings.get(want, ()), *(theme.phrasings[""] if want else ())] \
            if want else list(theme.phrasings[""])
        for title in options:
            if title not in taken and not is_objective_vague(title) \
                    and not is_objective_task(title):
                return title
    return None


def _template_title(metrics: Sequence[MetricFact]) -> str:
    names = [m.metric[:1].lower() + m.metric[1:] for m in metrics[:2]]
    return "Get " + " and ".join(names) + " to where our customers need them"


def revise_offline(draft: DraftObjective, facts: Facts,
                   used: set[str]) -> DraftObjective:
    """Fix what the critic blocked, by rules: titles from a template, key results from data."""
    if draft.critique is None:
        return draft
    errors = [f for f in draft.critique.findings if f.severity is Severity.ERROR]
    bad_krs = {int(f.target.split(":")[1]) for f in errors if f.target.startswith("kr:")}
    krs = [k for i, k in enumerate(draft.key_results) if i not in bad_krs]
    spare = [m for m in facts.metrics if m.current is not None and m.id not in used
             and m.id not in {k.fact_id for k in krs}]
    home = {f.objective_id for f in facts.metrics if f.id in {k.fact_id for k in krs}}
    spare.sort(key=lambda m: m.objective_id not in home)
    want = min(MAX_KRS, max(MIN_KRS, len(draft.key_results)))
    while len(krs) < want and spare:
        fact = spare.pop(0)
        used.add(fact.id)
        krs.append(kr_from_fact(fact))
    krs = krs[:MAX_KRS]
    title = draft.title
    if any(f.target == "objective" for f in errors) or is_objective_vague(title) \
            or is_objective_task(title):
        known = [m for m in facts.metrics if m.id in {k.fact_id for k in krs}]
        title = (objective_title(known, taken={draft.title}) or _template_title(known)) \
            if known else _template_title_from_krs(krs)
    rationale = draft.rationale if title == draft.title else (
        f"title rewritten from the metrics after the critic objected to '{draft.title}'")
    return draft.model_copy(update={"title": title, "key_results": krs, "critique": None,
                                    "rationale": rationale})


def _template_title_from_krs(krs: Sequence[DraftKR]) -> str:
    names = [k.metric[:1].lower() + k.metric[1:] for k in krs[:2]] or ["the numbers we own"]
    return "Get " + " and ".join(names) + " to where our customers need them"


# ------------------------------------------------------------------ strategy documents

_HEADING = re.compile(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+")


def _goal_lines(text: str) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = []
    title: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading:
            title = heading.group(1).strip().rstrip(":")
            sections.append((title, []))
            continue
        body = _BULLET.sub("", line)
        for sentence in re.split(r"(?<=[.;])\s+", body):
            sentence = sentence.strip().rstrip(".;")
            if not sentence:
                continue
            parsed = parse_kr(sentence)
            if parsed.target is not None or parsed.relative_change is not None:
                if not sections:
                    sections.append(("", []))
                sections[-1][1].append(sentence)
            elif not _BULLET.match(line) and len(sentence.split()) <= 14 and (
                    not sections or sections[-1][1]):
                sections.append((sentence.rstrip(":"), []))
    return [(t, lines) for t, lines in sections if lines]


def _doc_kr(sentence: str, facts: Facts) -> DraftKR:
    parsed = parse_kr(sentence)
    metric = parsed.metric.strip(" ,.:;") or sentence
    fact = facts.by_metric(metric) or _closest(metric, facts)
    target = parsed.target.value if parsed.target is not None else None
    unit = (parsed.unit or (fact.unit if fact else "")) or ""
    if fact is not None and fact.current is not None:
        target = _in_fact_unit(target, parsed.target.unit if parsed.target else None, fact)
        if target is None and parsed.relative_change is not None:
            change = fact.current * parsed.relative_change / 100 \
                if parsed.relative_unit == "%" else parsed.relative_change
            target = round(fact.current + change, 4)
        return DraftKR(text=kr_text(fact.metric, fact.current, target, fact.unit),
                       metric=fact.metric, baseline=fact.current, target=target,
                       unit=fact.unit, kind=fact.kind, direction=fact.direction,
                       fact_id=fact.id, baseline_note=fact.baseline_note,
                       target_note="target from the strategy document")
    baseline = parsed.baseline.value if parsed.baseline is not None else None
    direction: Literal["increase", "decrease"] = (
        "decrease" if parsed.direction is Direction.DECREASE else "increase")
    note = "baseline from the strategy document" if baseline is not None else UNKNOWN_BASELINE
    return DraftKR(text=sentence, metric=metric, baseline=baseline, target=target, unit=unit,
                   direction=direction, baseline_note=note,
                   target_note="target from the strategy document")


_SCALE = {"$M": 1e6, "$K": 1e3, "$k": 1e3, "$B": 1e9}


def _in_fact_unit(value: float | None, unit: str | None, fact: MetricFact) -> float | None:
    """A document's "$4M" (read as 4,000,000 USD) in the fact's unit ("$M": 4.0)."""
    scale = _SCALE.get(fact.unit)
    if value is None or scale is None or unit not in ("USD", "$", None):
        return value
    return value / scale if abs(value) >= scale / 10 else value


def _closest(metric: str, facts: Facts) -> MetricFact | None:
    words = _words(metric)
    best = max(facts.metrics, key=lambda m: len(words & _words(m.metric)), default=None)
    if best is None or len(words & _words(best.metric)) < 2:
        return None
    return best


def draft_from_document(text: str, facts: Facts, count: int | None) -> list[DraftObjective]:
    """Company objectives from a strategy document's headings and the goals with numbers under them.

    A goal whose metric the company already tracks starts from that metric's
    latest value (baseline from data); otherwise the document's own "from X"
    is used, or the baseline is marked unknown.
    """
    drafts: list[DraftObjective] = []
    for title, lines in _goal_lines(text):
        krs = [_doc_kr(line, facts) for line in lines[:MAX_KRS]]
        name = title or _template_title_from_krs(krs)
        drafts.append(DraftObjective(title=name, key_results=krs,
                                     rationale="from the strategy document"))
    return drafts[:count or 5]
