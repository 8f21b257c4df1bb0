"""Hold-out quarters for the risk detector, with shapes the labelled dev quarters rarely show.

    python -m evals.holdout_quarters OUTDIR --count N --seed S [--shape NAME]

The dev quarters are all cut at mid-cycle and mostly move at a steady pace, so
a detector tuned on them can look better than it is. This generator is written
independently of the detector and of the dev simulator: it simulates every key
result over the WHOLE cycle (late surges, over-confident and sandbagging
owners, step-function metrics, noisy metrics, failing upstream dependencies,
blockers resolved or not, owners who go quiet, milestones), then cuts the file
at an `as_of` between 35% and 75% of the cycle. The companion
`qNN.outcome.json` holds each key result's final score (progress at its last
check-in of the full cycle, per docs/spec/risk.md) and whether it missed.

`--shape` makes one shape dominate a folder (about 70% of key results), so the
team can see how the detector fares on exactly that behaviour.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from okr.quarter import QuarterFile, dump_quarter, parse_quarter

MISS_BELOW = 0.7
AS_OF_RANGE = (0.35, 0.75)
STALE_DAYS = 14

#: Shapes and their weight in a mixed quarter.
SHAPES: dict[str, float] = {
    "steady_good": 0.16, "steady_behind": 0.12, "late_surge": 0.08, "overconfident": 0.08,
    "sandbagging": 0.07, "step_function": 0.07, "noisy_fine": 0.06, "dependency_failure": 0.06,
    "dependency_ok": 0.04, "blocker_resolved": 0.05, "blocker_unresolved": 0.05,
    "stale_but_fine": 0.05, "stale_miss": 0.04, "dip_recover": 0.04, "regressing": 0.03,
}
DOMINANCE = 0.7


@dataclass(frozen=True)
class Template:
    """A kind of key result a team writes: how its numbers look and which way is good."""

    name: str
    unit: str | None
    kind: str
    direction: str
    base: tuple[float, float]
    change: tuple[float, float]
    relative: bool = True
    steppy: bool = False


def _t(name: str, unit: str | None, kind: str, direction: str, base: tuple[float, float],
       change: tuple[float, float], relative: bool = True, steppy: bool = False) -> Template:
    return Template(name, unit, kind, direction, base, change, relative, steppy)


M = "milestone"
CATALOG: dict[str, list[Template]] = {
    "sales": [
        _t("ARR", "$M", "metric", "increase", (18, 70), (0.05, 0.12), steppy=True),
        _t("Pipeline coverage", "x", "metric", "increase", (2.2, 3.0), (0.5, 1.0), False),
        _t("New enterprise logos signed", "logos", "metric", "increase", (0, 0), (4, 12), False,
           True),
        _t("Win rate on qualified opportunities", "%", "percent", "increase", (18, 30), (4, 9),
           False),
        _t("Median sales cycle", "days", "metric", "decrease", (60, 95), (0.15, 0.25)),
        _t("Enterprise bookings", "$M", "metric", "increase", (0, 0), (3, 9), False, True),
        _t("Launch the reseller program in DACH", None, M, "increase", (0, 0), (1, 1)),
    ],
    "marketing": [
        _t("MQLs per month", "MQLs", "metric", "increase", (250, 600), (0.2, 0.4)),
        _t("Cost per MQL", "$", "metric", "decrease", (90, 160), (0.15, 0.3)),
        _t("Organic signups per month", "signups", "metric", "increase", (1500, 3000),
           (0.2, 0.35)),
        _t("Visitor-to-signup conversion", "%", "percent", "increase", (1.8, 3.0), (0.6, 1.0),
           False),
        _t("Ship the rebrand across web and product", None, M, "increase", (0, 0), (1, 1)),
        _t("Publish the annual benchmark report", None, M, "increase", (0, 0), (1, 1)),
    ],
    "product": [
        _t("Weekly active users", "k", "metric", "increase", (40, 90), (0.15, 0.35)),
        _t("Day-7 activation rate", "%", "percent", "increase", (25, 40), (6, 12), False),
        _t("Accounts using Automations weekly", "%", "percent", "increase", (8, 18), (8, 15),
           False),
        _t("Median time to first value", "days", "metric", "decrease", (7, 14), (0.25, 0.4)),
        _t("Trial-to-paid conversion", "%", "percent", "increase", (12, 18), (3, 6), False),
        _t("Release the offline mode to all mobile users", None, M, "increase", (0, 0), (1, 1)),
        _t("Ship SSO and SCIM for the Business tier", None, M, "increase", (0, 0), (1, 1)),
    ],
    "platform": [
        _t("p95 API latency", "ms", "metric", "decrease", (220, 420), (0.25, 0.45)),
        _t("Deploys per week", "deploys", "metric", "increase", (4, 12), (0.6, 1.5)),
        _t("Change failure rate", "%", "percent", "decrease", (14, 24), (5, 9), False),
        _t("Mean time to recovery", "h", "metric", "decrease", (3.0, 6.0), (0.4, 0.65)),
        _t("Monthly cloud spend", "$k", "metric", "decrease", (280, 520), (0.12, 0.22)),
        _t("Services on the new deploy pipeline", "services", "metric", "increase", (0, 0),
           (6, 20), False, True),
        _t("Migrate all workloads off the legacy cluster", None, M, "increase", (0, 0), (1, 1)),
    ],
    "data": [
        _t("Dashboards served from the lakehouse", "%", "percent", "increase", (20, 40),
           (30, 50), False, True),
        _t("Pipelines meeting their freshness SLA", "%", "percent", "increase", (70, 85),
           (8, 14), False),
        _t("Questions answered self-serve", "%", "percent", "increase", (30, 45), (12, 20),
           False),
        _t("Go live on the new event-tracking schema", None, M, "increase", (0, 0), (1, 1)),
    ],
    "success": [
        _t("Monthly logo churn", "%", "percent", "decrease", (2.2, 3.5), (0.6, 1.1), False),
        _t("CSAT", "CSAT", "metric", "increase", (78, 86), (4, 8), False),
        _t("Median first response time", "h", "metric", "decrease", (6, 14), (0.3, 0.5)),
        _t("Net revenue retention", "%", "percent", "increase", (100, 110), (3, 6), False),
        _t("Roll out health scores to every CSM", None, M, "increase", (0, 0), (1, 1)),
    ],
    "finance": [
        _t("Days sales outstanding", "days", "metric", "decrease", (45, 62), (0.15, 0.25)),
        _t("Invoices paid on time", "%", "percent", "increase", (68, 80), (6, 12), False),
        _t("Days to close the books", "days", "metric", "decrease", (9, 14), (0.3, 0.45)),
        _t("Go live on the new billing system", None, M, "increase", (0, 0), (1, 1)),
    ],
    "people": [
        _t("Engineering hires", "hires", "metric", "increase", (0, 0), (6, 14), False, True),
        _t("Regretted attrition", "%", "percent", "decrease", (9, 14), (3, 5), False),
        _t("eNPS", "eNPS", "metric", "increase", (12, 30), (8, 15), False),
        _t("Roll out the new career framework", None, M, "increase", (0, 0), (1, 1)),
    ],
    "security": [
        _t("Critical vulnerabilities open", "vulns", "metric", "decrease", (18, 40), (0.5, 0.8)),
        _t("Phishing-test click rate", "%", "percent", "decrease", (8, 15), (3, 6), False),
        _t("Complete the SOC 2 Type II audit", None, M, "increase", (0, 0), (1, 1)),
        _t("Sign the EU data-residency hosting contract", None, M, "increase", (0, 0), (1, 1)),
    ],
}

OBJECTIVES: dict[str, list[str]] = {
    "sales": ["Win the mid-market with a repeatable motion", "Land more enterprise logos",
              "Grow revenue from the installed base"],
    "marketing": ["Fill the funnel with leads sales wants", "Make the brand known in the US",
                  "Turn the website into our best rep"],
    "product": ["Get new users to value in their first week", "Make Automations a daily habit",
                "Win enterprise buyers on security and admin"],
    "platform": ["Make the platform fast and boring", "Ship faster without breaking things",
                 "Spend less to run the same load"],
    "data": ["Give every team trustworthy numbers", "Let people answer their own questions"],
    "success": ["Keep the customers we have", "Make support feel instant"],
    "finance": ["Get paid faster", "Close the books without heroics"],
    "people": ["Hire the engineers the roadmap needs", "Keep the people we want to keep"],
    "security": ["Pass every enterprise security review", "Shrink our attack surface"],
}

COMPANY_GOALS = ["Double down on the customers who pay us most",
                 "Become the default choice for mid-sized teams",
                 "Grow efficiently: every dollar works harder"]

COMPANIES: list[tuple[str, list[tuple[str, str, str, str | None]]]] = [
    ("Lanternfish Labs", [
        ("t-gtm", "Go-to-Market", "sales", None), ("t-ae", "Account Executives", "sales", "t-gtm"),
        ("t-demand", "Demand Gen", "marketing", "t-gtm"),
        ("t-cs", "Customer Success", "success", "t-gtm"),
        ("t-rnd", "R&D", "product", None), ("t-growth", "Growth Squad", "product", "t-rnd"),
        ("t-infra", "Infrastructure", "platform", "t-rnd"),
        ("t-data", "Data Team", "data", "t-rnd"),
        ("t-ga", "G&A", "finance", None), ("t-talent", "Talent", "people", "t-ga"),
        ("t-sec", "Security", "security", "t-ga")]),
    ("Quillmate", [
        ("t-revenue", "Revenue", "sales", None), ("t-field", "Field Sales", "sales", "t-revenue"),
        ("t-mktg", "Marketing", "marketing", "t-revenue"),
        ("t-support", "Support", "success", "t-revenue"),
        ("t-eng", "Engineering", "platform", None), ("t-apps", "Apps", "product", "t-eng"),
        ("t-sre", "SRE", "platform", "t-eng"), ("t-analytics", "Analytics", "data", "t-eng"),
        ("t-fin", "Finance", "finance", None), ("t-hr", "People Ops", "people", "t-fin")]),
    ("Brightwater Health", [
        ("t-comm", "Commercial", "sales", None),
        ("t-partners", "Partnerships", "sales", "t-comm"),
        ("t-brand", "Brand & Content", "marketing", "t-comm"),
        ("t-clinical", "Clinical Success", "success", "t-comm"),
        ("t-tech", "Technology", "platform", None),
        ("t-patient", "Patient App", "product", "t-tech"),
        ("t-ehr", "EHR Integrations", "product", "t-tech"),
        ("t-dataplat", "Data Platform", "data", "t-tech"),
        ("t-trust", "Trust & Compliance", "security", "t-tech"),
        ("t-ops", "Operations", "finance", None), ("t-recruit", "Recruiting", "people", "t-ops")]),
]


def _pick(rng: random.Random, options: list[str]) -> str:
    return options[rng.randrange(len(options))]


NOTES: dict[str, list[str]] = {
    "ahead": ["Ahead of plan.", "Better week than expected.", "Good week: the new onboarding flow "
              "is working.", "Tracking above plan; not getting comfortable.", "Strong week."],
    "on_plan": ["On plan.", "Moving as planned.", "Steady.", "Progressing; review next week.",
                "No surprises.", "In line with the forecast."],
    "behind": ["Behind plan.", "Slower than we hoped.", "Tracking below the line.",
               "Need to pick up the pace.", "Gap to plan is growing.",
               "Behind; re-cutting the backlog."],
    "flat": ["Flat week.", "No movement.", "Numbers unchanged.", "Quiet week, team on other work.",
             "Holiday week, slow."],
    "regress": ["Went the wrong way this week.", "Down again; investigating.",
                "Slipped back; digging into the cohort data.", "Regressed after the release."],
    "blocker": ["Waiting on legal to sign off the DPA.", "Blocked by the data team; their "
                "backfill keeps failing.", "Stuck until the vendor ships the new SDK.",
                "Can't move until procurement approves the PO.", "Held up by the security "
                "review.", "Still waiting on legal.", "Vendor pushed their release again.",
                "Pending sign-off from finance before we can launch.",
                "No progress possible until the API contract is agreed."],
    "unblocked": ["Legal signed off; moving again.", "Unblocked: the vendor shipped the fix.",
                  "PO approved, rollout resumed.", "Security review passed, back on it.",
                  "Data team fixed the backfill; catching up now."],
    "no_blocker": ["No blockers this week.", "Nothing blocking us.", "No blockers, just "
                   "heads-down work.", "Not blocked; the data was simply late.",
                   "No open blockers."],
    "upbeat": ["On track, will land.", "Confident we close the gap in the back half.",
               "Big push planned, we'll get there.", "Feeling good about this one.",
               "Pipeline for the second half looks strong."],
    "cautious": ["Not sure we'll get there.", "Lots of unknowns still.", "Risky; keeping "
                 "expectations low.", "Could go either way.", "Early signs, too soon to call."],
    "surge_wait": ["Everything lands with the big launch in week 10.", "Waiting for the "
                   "migration to finish; numbers move after that.", "Campaign goes live late "
                   "in the quarter.", "Backloaded by design."],
    "surge_hit": ["Launch landed; numbers jumped.", "The big release is out and it shows.",
                  "Finally moving: campaign live."],
    "surge_flop": ["Launch went out; response weaker than hoped.", "Release slipped a week and "
                   "landed soft.", "Campaign live but conversion is poor."],
    "step_up": ["Closed the Northwind deal.", "Release 4.2 shipped.", "Two offers accepted.",
                "Signed a big one this week.", "Another batch migrated."],
    "step_wait": ["Two deals in legal review.", "Next release in QA.", "Candidates in final "
                  "rounds.", "Pipeline of deals looks healthy, nothing closed yet.",
                  "Waiting on the next cut-over window."],
    "noisy": ["Numbers noisy this week.", "Down this week; looks like a one-off.",
              "Spike from a single customer, will wash out.", "Data refreshed late."],
    "milestone_early": ["Kicked off.", "Design review done.", "Plan agreed with the team.",
                        "Vendor shortlist done."],
    "milestone_mid": ["Build in progress.", "Beta with three customers.", "Scope trimmed to "
                      "hit the date.", "First half of the work merged."],
    "milestone_late": ["In QA.", "Code complete, hardening.", "Final sign-offs in progress.",
                       "Dry run done; go-live next."],
    "milestone_done": ["Shipped.", "Done and live.", "Launched to everyone.", "Signed."],
    "milestone_slip": ["Slipping; new estimate next week.", "Date at risk.", "Pushed a sprint."],
    "returned": ["Sorry for the silence; catching up on updates.", "Back after a few quiet "
                 "weeks.", "Late update: we've been heads-down."],
}


def _note(rng: random.Random, key: str, empty: float = 0.35) -> str:
    return "" if rng.random() < empty else _pick(rng, NOTES[key])


@dataclass
class Sim:
    """One key result's whole-cycle history before it is cut at as_of."""

    kid: str
    team: str
    template: Template
    shape: str
    baseline: float
    target: float
    dates: list[date] = field(default_factory=list)
    progress: list[float] = field(default_factory=list)
    confidence: list[float | None] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)

    @property
    def final(self) -> float:
        """Final score: progress at the last check-in of the whole cycle."""
        if not self.progress:
            return 0.0
        return score_of(self.value(len(self.progress) - 1), self.baseline, self.target,
                        self.template.kind)

    def value(self, i: int) -> float:
        """The value reported at check-in i, rounded as an owner would write it."""
        if self.template.kind == M:
            return 1.0 if self.progress[i] >= 1 else 0.0
        raw = self.baseline + self.progress[i] * (self.target - self.baseline)
        if self.template.kind == "percent":
            raw = min(100.0, raw)
        return _round(max(0.0, raw), _resolution(self.target - self.baseline, self.template))


def score_of(value: float | None, baseline: float, target: float, kind: str) -> float:
    """Progress per docs/spec/risk.md: clipped share of the way, 0/1 for milestones."""
    if value is None:
        return 0.0
    if kind == M:
        return 1.0 if value >= 1 else 0.0
    return min(1.0, max(0.0, (value - baseline) / (target - baseline)))


COUNTED = ("logos", "hires", "services", "deploys", "vulns", "MQLs", "signups")


def _resolution(span: float, template: Template | None = None) -> float:
    """The step an owner writes numbers in: two significant digits of the span, whole counts."""
    res = float(10 ** math.floor(math.log10(abs(span)) - 1))
    return max(res, 1.0) if template is not None and template.unit in COUNTED else res


def _round(x: float, res: float) -> float:
    decimals = max(0, -round(math.log10(res)))
    return round(round(x / res) * res, decimals)


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _fmt(x: float, unit: str | None) -> str:
    s = f"{_num(x):,}"
    if unit is None:
        return s
    if unit.startswith("$"):
        return f"${s}{unit[1:]}"
    if unit in ("%", "x", "k", "ms", "h"):
        return f"{s}{unit}"
    return f"{s} {unit}"


def _clip(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return min(hi, max(lo, x))


class _Quarter:
    """Builds one quarter: org, key results, whole-cycle paths, then the cut."""

    def __init__(self, rng: random.Random, index: int, shape: str | None) -> None:
        self.rng = rng
        self.dominant = shape
        year, q = 2025 + (index // 4), index % 4 + 1
        self.start = date(year, 3 * q - 2, 1)
        self.end = (date(year + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1))
        self.name = f"{year}-Q{q}"
        self.days = (self.end - self.start).days
        self.as_of = self.start + timedelta(days=round(rng.uniform(*AS_OF_RANGE) * self.days))
        self.as_frac = (self.as_of - self.start).days / self.days
        self.sims: list[Sim] = []
        self.teams: list[dict[str, str | None]] = []
        self.objectives: list[dict[str, str | None]] = []
        self.kr_objective: dict[str, str] = {}
        self.owner: dict[str, str] = {}
        self.team_names: dict[str, str] = {}

    def _shape(self) -> str:
        if self.dominant is not None and self.rng.random() < DOMINANCE:
            return self.dominant
        names = list(SHAPES)
        return self.rng.choices(names, weights=[SHAPES[n] for n in names])[0]

    def build_org(self) -> None:
        rng = self.rng
        company, teams = COMPANIES[rng.randrange(len(COMPANIES))]
        self.teams.append({"id": "t-company", "name": company, "parent": None})
        for tid, tname, _fn, parent in teams:
            self.teams.append({"id": tid, "name": tname, "parent": parent or "t-company"})
            self.team_names[tid] = tname
        goals = rng.sample(COMPANY_GOALS, 2)
        for g in goals:
            self.objectives.append({"id": f"o-{len(self.objectives) + 1}", "team": "t-company",
                                    "title": g, "parent": None})
        n_target = rng.randint(60, 120)
        slots: list[tuple[str, str, str]] = []
        per_team = max(2, round(n_target / len(teams)))
        for tid, _tname, fn, _parent in teams:
            titles = rng.sample(OBJECTIVES[fn], min(len(OBJECTIVES[fn]), rng.randint(1, 3)))
            for title in titles:
                oid = f"o-{len(self.objectives) + 1}"
                parent = _pick(rng, ["o-1", "o-2"]) if rng.random() < 0.4 else None
                self.objectives.append({"id": oid, "team": tid, "title": title,
                                        "parent": parent})
                slots.extend((oid, tid, fn) for _ in range(max(1, per_team // len(titles))))
        rng.shuffle(slots)
        while len(slots) < 60:
            slots.append(slots[rng.randrange(len(slots))])
        slots = sorted(slots[:120], key=lambda s: int(s[0][2:]))
        people = [f"p-{rng.randint(100, 899)}" for _ in range(max(8, len(slots) // 3))]
        for i, (oid, tid, fn) in enumerate(slots):
            kid = f"kr-{i + 1}"
            shape = self._shape()
            tpl = self._template(fn, shape)
            if tpl.kind == M:
                baseline, target = 0.0, 1.0
            else:
                baseline = rng.uniform(*tpl.base)
                delta = rng.uniform(*tpl.change) * (baseline if tpl.relative else 1.0)
                res = _resolution(delta, tpl)
                baseline = _round(baseline, res)
                sign = 1 if tpl.direction == "increase" else -1
                target = _round(baseline + sign * delta, res)
                if target == baseline:
                    target = _round(baseline + sign * res * 5, res)
            self.sims.append(Sim(kid, tid, tpl, shape, baseline, target))
            self.kr_objective[kid] = oid
            self.owner[kid] = _pick(rng, people)

    def _template(self, fn: str, shape: str) -> Template:
        options = CATALOG[fn]
        if shape == "step_function":
            steppy = [t for t in options if t.steppy]
            if steppy:
                return steppy[self.rng.randrange(len(steppy))]
            return CATALOG["sales"][2]
        numeric = [t for t in options if t.kind != M]
        if shape in ("noisy_fine", "dip_recover", "regressing"):
            can_fall = [t for t in numeric if t.base != (0, 0)]
            return can_fall[self.rng.randrange(len(can_fall))]
        if self.rng.random() < 0.2:
            milestones = [t for t in options if t.kind == M]
            if milestones:
                return milestones[self.rng.randrange(len(milestones))]
        return numeric[self.rng.randrange(len(numeric))]

    def schedule(self, sim: Sim) -> list[float]:
        """Check-in dates of the whole cycle; sets sim.dates, returns cycle fractions."""
        rng = self.rng
        cadence = rng.choices([7, 14, 0], weights=[0.7, 0.15, 0.15])[0]
        d = self.start + timedelta(days=rng.randint(3, 12))
        dates: list[date] = []
        while d <= self.end:
            if rng.random() > 0.12:
                dates.append(d)
            d += timedelta(days=cadence or rng.randint(5, 12))
        if rng.random() < 0.85 and (not dates or (self.end - dates[-1]).days > 4):
            dates.append(self.end - timedelta(days=rng.randint(0, 3)))
        if sim.shape in ("stale_but_fine", "stale_miss"):
            stop_by = self.as_frac - (STALE_DAYS + rng.randint(0, 14)) / self.days
            stop = self.start + timedelta(days=max(5, round(rng.uniform(0.1, stop_by) * self.days)))
            kept = [x for x in dates if x <= stop] or [self.start + timedelta(days=4)]
            back = sim.shape == "stale_but_fine" or rng.random() < 0.4
            if back:
                kept += sorted({self.end - timedelta(days=rng.randint(0, 9))
                                for _ in range(rng.randint(1, 2))})
            dates = kept
        sim.dates = sorted(set(dates))
        return [(x - self.start).days / self.days for x in sim.dates]

    def simulate(self) -> None:
        """Paths for independent key results first, then those that depend on them."""
        dependent = ("dependency_failure", "dependency_ok")
        for sim in [s for s in self.sims if s.shape not in dependent]:
            self._path(sim, self.schedule(sim))
        done = [s for s in self.sims if s.shape not in dependent]
        for sim in [s for s in self.sims if s.shape in dependent]:
            want_fail = sim.shape == "dependency_failure"
            ups = [u for u in done if (u.final < 0.55 if want_fail else u.final >= 0.8)]
            if not ups:
                sim.shape = "blocker_unresolved" if want_fail else "steady_good"
                self._path(sim, self.schedule(sim))
                continue
            cross = [u for u in ups if u.team != sim.team]
            up = _pick_sim(self.rng, cross if cross and self.rng.random() < 0.7 else ups)
            sim.depends_on = [up.kid]
            self._path(sim, self.schedule(sim), upstream=up)
        for sim in done:
            if self.rng.random() < 0.07:
                others = [u for u in done if u is not sim]
                sim.depends_on = [_pick_sim(self.rng, others).kid]

    def _path(self, sim: Sim, ts: list[float], upstream: Sim | None = None) -> None:
        rng, shape = self.rng, sim.shape
        g = rng.uniform(0.8, 1.25)
        noise = rng.uniform(0.01, 0.04)
        p: list[float] = []
        notes: list[str] = []
        conf_mode = "calibrated"
        if shape in ("steady_good", "steady_behind", "overconfident", "sandbagging"):
            f = {"steady_good": rng.uniform(0.75, 1.1), "steady_behind": rng.uniform(0.15, 0.65),
                 "overconfident": rng.uniform(0.15, 0.65) if rng.random() < 0.8
                 else rng.uniform(0.7, 0.9),
                 "sandbagging": rng.uniform(0.8, 1.1) if rng.random() < 0.85
                 else rng.uniform(0.5, 0.7)}[shape]
            if shape == "sandbagging":
                g = rng.uniform(1.4, 2.1)
            p = [f * t ** g + rng.gauss(0, noise) for t in ts]
            conf_mode = {"overconfident": "high", "sandbagging": "low"}.get(shape, "calibrated")
            mood = {"overconfident": "upbeat", "sandbagging": "cautious"}.get(shape)
            notes = [_note(rng, mood) if mood and rng.random() < 0.5 else "" for _ in ts]
        elif shape == "late_surge":
            t0 = rng.uniform(0.6, 0.8)
            makes = rng.random() < 0.55
            f = rng.uniform(0.75, 1.1) if makes else rng.uniform(0.2, 0.65)
            early = rng.uniform(0.0, 0.15)
            ramp = rng.uniform(0.03, 0.12)
            for t in ts:
                if t < t0:
                    p.append(early * t / t0 + rng.gauss(0, noise / 2))
                    notes.append(_note(rng, "surge_wait", 0.55))
                else:
                    p.append(early + (f - early) * min(1.0, (t - t0) / ramp))
                    notes.append(_note(rng, "surge_hit" if makes else "surge_flop", 0.4))
            conf_mode = "steady"
        elif shape == "step_function":
            makes = rng.random() < 0.5
            f = rng.uniform(0.7, 1.05) if makes else rng.uniform(0.15, 0.65)
            k = rng.randint(1, 4)
            cuts = sorted(rng.uniform(0.1, 0.98) for _ in range(k))
            sizes = [rng.random() + 0.2 for _ in range(k)]
            sizes = [f * s / sum(sizes) for s in sizes]
            prev = 0.0
            for t in ts:
                level = sum(s for c, s in zip(cuts, sizes, strict=True) if c <= t)
                p.append(level)
                notes.append(_note(rng, "step_up" if level > prev + 1e-9 else "step_wait", 0.4))
                prev = level
        elif shape == "noisy_fine":
            f = rng.uniform(0.95, 1.15)
            sd = rng.uniform(0.12, 0.2)
            p = [f * t ** g + rng.gauss(0, sd if t < 0.95 else sd / 3) for t in ts]
            notes = [_note(rng, "noisy", 0.5) for _ in ts]
        elif shape in ("blocker_resolved", "blocker_unresolved"):
            b0 = rng.uniform(0.12, max(0.15, self.as_frac - 0.15))
            resolved = shape == "blocker_resolved"
            b1 = rng.uniform(max(b0 + 0.15, self.as_frac - 0.05), 0.8) if resolved else 2.0
            pace = rng.uniform(0.8, 1.1)
            stuck = pace * b0
            f = rng.uniform(0.75, 1.05) if resolved else stuck + rng.uniform(0.0, 0.2)
            for t in ts:
                if t < b0:
                    p.append(pace * t + rng.gauss(0, noise))
                    notes.append(_note(rng, "on_plan", 0.6))
                elif t < b1:
                    p.append(stuck + rng.gauss(0, noise / 3))
                    notes.append(_note(rng, "blocker", 0.25))
                else:
                    p.append(stuck + (f - stuck) * min(1.0, (t - b1) / max(0.05, 1 - b1)))
                    notes.append(_note(rng, "unblocked", 0.6))
            if not resolved:
                p = [x + (f - stuck) * max(0.0, t - b0) / (1 - b0) if t >= b0 else x
                     for x, t in zip(p, ts, strict=True)]
        elif shape in ("stale_but_fine", "stale_miss"):
            f = rng.uniform(0.75, 1.05) if shape == "stale_but_fine" else rng.uniform(0.1, 0.6)
            early = rng.uniform(0.6, 1.0)
            for t in ts:
                if t <= self.as_frac:
                    p.append(early * t + rng.gauss(0, noise))
                    notes.append(_note(rng, "on_plan", 0.6))
                else:
                    p.append(f)
                    notes.append(_note(rng, "returned", 0.5))
        elif shape == "dip_recover":
            low, f = rng.uniform(0.1, 0.35), rng.uniform(0.72, 1.05)
            tm = rng.uniform(0.25, 0.5)
            for t in ts:
                p.append((-low * t / tm) if t < tm else -low + (f + low) * (t - tm) / (1 - tm))
                p[-1] += rng.gauss(0, noise)
                notes.append(_note(rng, "regress" if t < tm else "on_plan", 0.5))
        elif shape == "regressing":
            peak, f = rng.uniform(0.1, 0.4), rng.uniform(-0.3, 0.3)
            tm = rng.uniform(0.15, 0.35)
            for t in ts:
                p.append(peak * t / tm if t < tm else peak + (f - peak) * (t - tm) / (1 - tm))
                p[-1] += rng.gauss(0, noise)
                notes.append(_note(rng, "regress" if t >= tm else "on_plan", 0.5))
        elif upstream is not None:
            failing = shape == "dependency_failure"
            pace = rng.uniform(0.8, 1.1)
            stall = rng.uniform(0.2, 0.5) if failing else 2.0
            label = f"{self.team_names.get(upstream.team, 'the other team')} ({upstream.kid})"
            tail = rng.uniform(0.0, 0.2) if rng.random() < 0.75 else rng.uniform(0.2, 0.45)
            for t in ts:
                if t < stall:
                    p.append(pace * t + rng.gauss(0, noise))
                    notes.append(_note(rng, "on_plan", 0.6))
                else:
                    p.append(pace * stall + tail * (t - stall) / (1 - stall))
                    notes.append("" if rng.random() < 0.4 else _pick(rng, [
                        f"Waiting on {label} before we can move this.",
                        f"Blocked until {label} lands.",
                        f"Depends on {label}; it slipped again.",
                        f"Nothing we can do until {label} delivers."]))
        shock = rng.gauss(0, 0.12)
        p = [x + shock * max(0.0, t - self.as_frac) / (1 - self.as_frac)
             for x, t in zip(p, ts, strict=True)]
        if sim.template.base == (0, 0):
            p = list(itertools.accumulate(p, max)) if p else p
        p = [_clip(x, -0.6, 1.25) for x in p]
        sim.confidence = self._confidence(p, ts, conf_mode)
        if sim.template.kind == M:
            p, notes = self._milestone(ts, p, notes, shape)
        if rng.random() < 0.12:
            notes = [_note(rng, "no_blocker", 0.3) if not x and rng.random() < 0.3 else x
                     for x in notes]
        sim.progress = p
        sim.notes = notes
        if not (shape == "late_surge" or sim.template.kind == M):
            self._situation_notes(sim, ts)

    def _milestone(self, ts: list[float], p: list[float], notes: list[str],
                   shape: str) -> tuple[list[float], list[str]]:
        """Milestones are done or not: done once the simulated path reaches 0.7."""
        rng = self.rng
        done_at = next((t for t, x in zip(ts, p, strict=True) if x >= MISS_BELOW), None)
        if shape in ("steady_good", "noisy_fine", "dip_recover") and rng.random() < 0.3:
            done_at = rng.uniform(0.2, 0.7)
        out_p = [1.0 if done_at is not None and t >= done_at else 0.0 for t in ts]
        out_n = []
        for t, note in zip(ts, notes, strict=True):
            if done_at is not None and t >= done_at:
                out_n.append(_note(rng, "milestone_done", 0.5))
            elif note:
                out_n.append(note)
            else:
                stage = "early" if t < 0.3 else "mid" if t < 0.6 else "late"
                key = "milestone_slip" if t > 0.5 and done_at is None else f"milestone_{stage}"
                out_n.append(_note(rng, key, 0.3))
        return out_p, out_n

    def _confidence(self, path: list[float], ts: list[float], mode: str) -> list[float | None]:
        rng = self.rng
        if rng.random() < 0.12:
            return [None] * len(ts)
        if mode == "high":
            return [round(rng.choice([0.8, 0.8, 0.9]), 1) for _ in ts]
        if mode == "low":
            return [round(rng.choice([0.3, 0.4, 0.4, 0.5]), 1) for _ in ts]
        if mode == "steady":
            base = rng.uniform(0.5, 0.75)
            return [round(_clip(base + rng.gauss(0, 0.05)), 1) for _ in ts]
        bias = rng.gauss(0, 0.08)
        out: list[float | None] = []
        for t, x in zip(ts, path, strict=True):
            pace = x / max(t, 0.08)
            c = 0.15 + 0.75 / (1 + math.exp(-(pace - 0.7) / 0.18)) + bias + rng.gauss(0, 0.07)
            out.append(round(_clip(c, 0.1, 0.95), 1))
        return out

    def _situation_notes(self, sim: Sim, ts: list[float]) -> None:
        """Fill some empty notes with what an owner says about the week they had."""
        rng = self.rng
        prev = 0.0
        for i, (t, x) in enumerate(zip(ts, sim.progress, strict=True)):
            if not sim.notes[i] and rng.random() < 0.45:
                pace = x / max(t, 0.08)
                if x < prev - 0.02:
                    key = "regress"
                elif abs(x - prev) < 0.01 and i > 0:
                    key = "flat"
                else:
                    key = "ahead" if pace > 1.1 else "on_plan" if pace > 0.8 else "behind"
                sim.notes[i] = _pick(rng, NOTES[key])
            prev = x

    def documents(self) -> tuple[dict[str, object], dict[str, dict[str, float | bool]],
                                 dict[str, object]]:
        """The cut quarter file, its outcome, and the uncut whole-cycle file."""
        krs_cut: list[dict[str, object]] = []
        krs_full: list[dict[str, object]] = []
        outcome: dict[str, dict[str, float | bool]] = {}
        for s in self.sims:
            tpl = s.template
            text = (tpl.name if tpl.kind == M else
                    f"{tpl.name} from {_fmt(s.baseline, tpl.unit)} to {_fmt(s.target, tpl.unit)}")
            full = []
            for i, d in enumerate(s.dates):
                c: dict[str, object] = {"date": d.isoformat(), "value": _num(s.value(i))}
                if s.confidence[i] is not None:
                    c["confidence"] = s.confidence[i]
                c["note"] = s.notes[i]
                full.append(c)
            kr: dict[str, object] = {
                "id": s.kid, "objective": self.kr_objective[s.kid], "owner": self.owner[s.kid],
                "text": text, "kind": tpl.kind, "direction": tpl.direction,
                "baseline": _num(s.baseline), "target": _num(s.target),
                "unit": tpl.unit if tpl.kind != M else None, "depends_on": s.depends_on}
            krs_full.append({**kr, "check_ins": full})
            krs_cut.append({**kr, "check_ins": [c for c, d in zip(full, s.dates, strict=True)
                                                if d <= self.as_of]})
            score = round(s.final, 4)
            outcome[s.kid] = {"final_score": score, "missed": score < MISS_BELOW}
        head = {"cycle": {"name": self.name, "start": self.start.isoformat(),
                          "end": self.end.isoformat()},
                "as_of": self.as_of.isoformat(), "teams": self.teams,
                "objectives": self.objectives}
        return {**head, "key_results": krs_cut}, outcome, {**head, "as_of": self.end.isoformat(),
                                                            "key_results": krs_full}


def _pick_sim(rng: random.Random, sims: list[Sim]) -> Sim:
    return sims[rng.randrange(len(sims))]


@dataclass(frozen=True)
class HoldoutQuarter:
    """One generated quarter: the cut file, its outcome, the whole cycle, each KR's shape."""

    quarter: QuarterFile
    outcome: dict[str, dict[str, float | bool]]
    full_cycle: QuarterFile
    shapes: dict[str, str]


def generate_quarter(seed: int, index: int, shape: str | None = None) -> HoldoutQuarter:
    """Simulate quarter `index` of the series seeded by `seed`; `shape` makes one dominate."""
    if shape is not None and shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; choose from {', '.join(SHAPES)}")
    rng = random.Random(f"holdout-{seed}-{index}-{shape}")
    q = _Quarter(rng, index, shape)
    q.build_org()
    q.simulate()
    cut, outcome, full = q.documents()
    return HoldoutQuarter(parse_quarter(json.dumps(cut), f"holdout q{index + 1:02d}"), outcome,
                          parse_quarter(json.dumps(full), f"holdout q{index + 1:02d} full"),
                          {s.kid: s.shape for s in q.sims})


def write_quarters(outdir: Path, count: int, seed: int, shape: str | None = None) -> list[Path]:
    """Write `count` quarter files and their outcomes into `outdir`; return the quarter paths."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for i in range(count):
        hq = generate_quarter(seed, i, shape)
        path = outdir / f"q{i + 1:02d}.json"
        path.write_text(dump_quarter(hq.quarter), encoding="utf-8")
        path.with_name(f"q{i + 1:02d}.outcome.json").write_text(
            json.dumps(hq.outcome, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--shape", choices=list(SHAPES), default=None,
                        help="make this shape about 70%% of the key results")
    args = parser.parse_args(argv)
    for path in write_quarters(args.outdir, args.count, args.seed, args.shape):
        print(path)


if __name__ == "__main__":
    main()
