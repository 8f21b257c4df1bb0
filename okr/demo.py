"""A deterministic demo organisation: Northwind Analytics.

`make run`, the tests, memory and the review writer need a company that looks
real — a hierarchy of teams, people, company objectives with aligned team
objectives, three closed quarters whose endings are known and a quarter in
progress with the usual trouble (stale owners, falling confidence,
regressions, blocked dependencies). Everything is drawn from a random
generator seeded by the organisation id, so the same arguments always give
the same snapshot.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from okr.models import (
    AlignmentLink,
    CheckIn,
    CheckInSource,
    Cycle,
    CycleKind,
    Dependency,
    Direction,
    KeyResult,
    KRKind,
    Level,
    Objective,
    ObjectiveState,
    Organisation,
    OrgSnapshot,
    Person,
    Team,
)
from okr.quantities import decimals_of, format_value

__all__ = ["DEMO_ORG_NAME", "build_demo_org", "quarter_bounds"]

DEMO_ORG_NAME = "Northwind Analytics"

_INC = Direction.INCREASE
_DEC = Direction.DECREASE


@dataclass(frozen=True)
class _KRT:
    """A key result template; `label` + baseline/target make the text unless it is a milestone."""

    key: str
    label: str
    baseline: float
    target: float
    unit: str = ""
    kind: KRKind = KRKind.METRIC
    direction: Direction = _INC
    weight: float | None = None
    drift: float = 0.0


@dataclass(frozen=True)
class _OT:
    """An objective template: which company objective it supports and in which quarters."""

    title: str
    parent: str | None
    krs: tuple[_KRT, ...]
    quarters: tuple[int, ...] = (0, 1, 2, 3)


def _ms(key: str, text: str, weight: float | None = None) -> _KRT:
    return _KRT(key, text, 0.0, 1.0, kind=KRKind.MILESTONE, weight=weight)


_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("t-revenue", "Revenue"),
    ("t-customer", "Customer"),
    ("t-rnd", "Product & Engineering"),
    ("t-operations", "Operations"),
)

#: (id, name, function, department)
_TEAMS: tuple[tuple[str, str, str, str], ...] = (
    ("t-sales", "Sales", "sales", "t-revenue"),
    ("t-marketing", "Marketing", "marketing", "t-revenue"),
    ("t-partnerships", "Partnerships", "partnerships", "t-revenue"),
    ("t-customer-success", "Customer Success", "customer_success", "t-customer"),
    ("t-support", "Support", "support", "t-customer"),
    ("t-engineering", "Engineering", "engineering", "t-rnd"),
    ("t-platform", "Platform & Reliability", "engineering", "t-rnd"),
    ("t-product", "Product", "product", "t-rnd"),
    ("t-design", "Design", "design", "t-rnd"),
    ("t-people", "People", "people", "t-operations"),
    ("t-finance", "Finance", "finance", "t-operations"),
    ("t-security", "Security & IT", "security", "t-operations"),
)

_COMPANY: dict[str, _OT] = {
    "retention": _OT("Keep and grow the customers we have", None, (
        _KRT("nrr", "Net revenue retention", 104, 110, "%", KRKind.PERCENT, _INC, 2.0, 0.01),
        _KRT("churn", "Logo churn", 3.2, 2.0, "%", KRKind.PERCENT, _DEC, drift=-0.03),
        _KRT("grr", "Gross revenue retention", 91, 94, "%", KRKind.PERCENT, drift=0.005),
    )),
    "growth": _OT("Win the mid-market", None, (
        _KRT("new-arr", "New ARR", 2.4, 3.2, "$M", KRKind.CURRENCY, drift=0.08),
        _KRT("coverage", "Qualified pipeline coverage", 2.8, 3.5, "x", drift=0.02),
    )),
    "product": _OT("Make Northwind the analytics tool teams open every day", None, (
        _KRT("wat", "Weekly active teams", 1850, 2400, "", drift=0.09),
        _ms("forecast-ga", "Launch the forecasting module to general availability"),
    )),
    "trust": _OT("Earn the trust of regulated industries", None, (
        _ms("soc2", "Complete the SOC 2 Type II audit with no exceptions"),
        _KRT("sec-blocked", "Enterprise deals stalled in security review", 9, 2, "",
             direction=_DEC),
    )),
    "people": _OT("Build a team people want to stay on", None, (
        _KRT("enps", "Employee NPS", 22, 35, "", drift=0.05),
        _KRT("attrition", "Regretted attrition (annualised)", 11, 7, "%", KRKind.PERCENT, _DEC),
    )),
}

_TEAM_OBJECTIVES: dict[str, tuple[_OT, ...]] = {
    "t-sales": (
        _OT("Close more mid-market deals", "growth", (
            _KRT("mm-arr", "New mid-market ARR", 1.6, 2.2, "$M", KRKind.CURRENCY, weight=2.0,
                 drift=0.08),
            _KRT("win-rate", "Win rate on qualified opportunities", 21, 27, "%", KRKind.PERCENT),
            _KRT("cycle", "Average sales cycle", 74, 60, "days", direction=_DEC),
        )),
    ),
    "t-marketing": (
        _OT("Fill the pipeline with qualified demand", "growth", (
            _KRT("mql", "Marketing-qualified leads per quarter", 1200, 1600, "", drift=0.07),
            _KRT("sourced", "Marketing-sourced pipeline", 3.0, 4.2, "$M", KRKind.CURRENCY,
                 drift=0.06),
            _KRT("cpl", "Cost per qualified lead", 410, 330, "$", KRKind.CURRENCY, _DEC),
        )),
        _OT("Turn customers into advocates", "retention", (
            _KRT("cases", "Published customer case studies", 3, 8, ""),
            _KRT("webinar", "Customer webinar attendance", 180, 300, "", drift=0.1),
        ), quarters=(1, 2, 3)),
    ),
    "t-partnerships": (
        _OT("Open a reseller channel", "growth", (
            _KRT("resellers", "Signed reseller partners", 2, 6, ""),
            _KRT("partner-pipe", "Partner-sourced pipeline", 0.4, 1.0, "$M", KRKind.CURRENCY),
            _ms("portal", "Launch the partner portal"),
        )),
    ),
    "t-customer-success": (
        _OT("Get every new customer to value in 30 days", "retention", (
            _KRT("ttv", "Median time to first dashboard", 21, 10, "days", direction=_DEC),
            _KRT("plans", "Accounts with a success plan", 55, 90, "%", KRKind.PERCENT),
        )),
        _OT("Expand our largest accounts", "retention", (
            _KRT("expansion", "Expansion ARR", 0.9, 1.4, "$M", KRKind.CURRENCY, weight=2.0,
                 drift=0.07),
            _KRT("top50-nrr", "Net revenue retention of the top 50 accounts", 108, 115, "%",
                 KRKind.PERCENT),
            _KRT("qbrs", "Top-50 accounts with a business review this quarter", 60, 95, "%",
                 KRKind.PERCENT),
        ), quarters=(0, 2, 3)),
    ),
    "t-support": (
        _OT("Answer customers fast and well", "retention", (
            _KRT("frt", "Median first response time", 9, 4, "h", direction=_DEC),
            _KRT("csat", "Support CSAT", 86, 92, "%", KRKind.PERCENT),
            _KRT("one-touch", "Tickets resolved in one touch", 38, 50, "%", KRKind.PERCENT),
        )),
    ),
    "t-engineering": (
        _OT("Ship the forecasting module", "product", (
            _ms("beta", "Forecasting module beta live with 20 design partners"),
            _ms("ga", "Forecasting module generally available", weight=2.0),
            _KRT("mape", "Forecast error (MAPE)", 18, 10, "%", KRKind.PERCENT, _DEC),
        )),
        _OT("Fix what makes customers leave", "retention", (
            _KRT("p1", "Open P1 bugs", 42, 10, "", direction=_DEC),
            _KRT("p95", "Dashboard p95 load time", 4.8, 2.0, "s", direction=_DEC),
        )),
    ),
    "t-platform": (
        _OT("Keep the platform fast and available", "product", (
            _KRT("uptime", "Uptime", 99.80, 99.95, "%", KRKind.PERCENT),
            _KRT("sev1", "Sev-1 incidents per quarter", 6, 2, "", direction=_DEC),
            _KRT("unit-cost", "Cloud cost per active team", 14.2, 11.0, "$", KRKind.CURRENCY,
                 _DEC),
        )),
    ),
    "t-product": (
        _OT("Build what customers use every day", "product", (
            _KRT("wat", "Weekly active teams", 1850, 2400, "", drift=0.09),
            _KRT("alerts", "Teams using alerts weekly", 22, 35, "%", KRKind.PERCENT),
        )),
        _OT("Close the product gaps that drive churn", "retention", (
            _KRT("gap-churn", "Churned accounts citing a missing feature", 31, 20, "%",
                 KRKind.PERCENT, _DEC),
            _ms("sso", "Ship SSO and SCIM on every plan"),
        )),
    ),
    "t-design": (
        _OT("Make first-run setup effortless", "product", (
            _KRT("onboarding", "Onboarding completion", 48, 70, "%", KRKind.PERCENT),
            _KRT("usability", "Usability test task success", 62, 85, "%", KRKind.PERCENT),
        )),
    ),
    "t-people": (
        _OT("Hire and keep great people", "people", (
            _KRT("attrition", "Regretted attrition (annualised)", 11, 7, "%", KRKind.PERCENT,
                 _DEC),
            _KRT("enps", "Employee NPS", 22, 35, ""),
            _KRT("ttf", "Open roles filled within 60 days", 45, 75, "%", KRKind.PERCENT),
        )),
    ),
    "t-finance": (
        _OT("Close the books in five working days", None, (
            _KRT("close", "Month-end close", 9, 5, "days", direction=_DEC),
            _ms("revrec", "Automate revenue recognition in the ERP"),
        )),
        _OT("Make every dollar count", "growth", (
            _KRT("margin", "Gross margin", 71, 75, "%", KRKind.PERCENT),
            _KRT("dso", "Days sales outstanding", 52, 40, "days", direction=_DEC),
        ), quarters=(0, 1)),
    ),
    "t-security": (
        _OT("Pass our SOC 2 Type II audit", "trust", (
            _ms("fieldwork", "Complete SOC 2 Type II fieldwork", weight=2.0),
            _KRT("evidence", "Controls with evidence collected automatically", 40, 85, "%",
                 KRKind.PERCENT),
            _KRT("questionnaires", "Security questionnaires answered within 3 days", 50, 90,
                 "%", KRKind.PERCENT),
        ), quarters=(0, 1, 2)),
        _OT("Harden the platform against incidents", "product", (
            _KRT("vulns", "Critical vulnerabilities open past SLA", 14, 0, "", direction=_DEC),
            _KRT("mfa", "Staff on phishing-resistant MFA", 60, 100, "%", KRKind.PERCENT),
        ), quarters=(3,)),
    ),
}

#: Team KR -> company KR links (a key result may contribute directly to another).
_KR_LINKS: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    (("t-sales", "mm-arr"), ("growth", "new-arr")),
    (("t-product", "wat"), ("product", "wat")),
    (("t-people", "enps"), ("people", "enps")),
)

#: Cross-team dependencies: (team, kr) depends on (team, kr), in every quarter both exist in.
_DEPENDENCIES: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    (("t-sales", "mm-arr"), ("t-engineering", "ga")),
    (("t-product", "wat"), ("t-engineering", "ga")),
    (("t-engineering", "ga"), ("t-platform", "sev1")),
    (("t-support", "frt"), ("t-platform", "sev1")),
    (("t-customer-success", "ttv"), ("t-product", "sso")),
    (("t-customer-success", "expansion"), ("t-product", "alerts")),
    (("t-marketing", "sourced"), ("t-sales", "win-rate")),
)

#: What goes wrong in the quarter in progress, by (team, kr).
_CURRENT_TROUBLE: dict[tuple[str, str], str] = {
    ("t-engineering", "ga"): "blocked_falling",
    ("t-platform", "sev1"): "regress",
    ("t-support", "frt"): "regress",
    ("t-sales", "win-rate"): "falling",
    ("t-sales", "mm-arr"): "behind",
    ("t-product", "sso"): "legal",
    ("t-finance", "revrec"): "stale",
    ("t-design", "usability"): "stale",
    ("t-marketing", "webinar"): "stale",
    ("t-people", "ttf"): "stale",
    ("t-customer-success", "ttv"): "behind",
}

#: Notes owners write, by situation.
_NOTES: dict[str, tuple[str, ...]] = {
    "good": (
        "Ahead of plan after a strong week.",
        "On track; the new playbook is paying off.",
        "Good progress, no blockers.",
        "Two quick wins landed this week.",
        "Steady week, moving as planned.",
        "Momentum is good; the team is focused.",
    ),
    "slow": (
        "Slower than planned; we lost a week to the offsite.",
        "Flat this week, holidays slowed things down.",
        "Progress is slower than hoped; re-planning the next two weeks.",
        "Half the team was out sick, little movement.",
        "Data refreshed late this week, number may lag.",
        "Quiet week; priorities shifted to an urgent customer issue.",
    ),
    "blocked": (
        "Blocked by the data-warehouse migration in Platform.",
        "Waiting on legal to approve the new contract template.",
        "Blocked by missing SSO support; three deals are waiting on it.",
        "Blocked by hiring: the second analyst role is still open.",
        "Waiting on the vendor to fix their API rate limits.",
        "Blocked by a budget freeze until finance signs off.",
    ),
    "regress": (
        "Went backwards: the last release caused a spike in incidents.",
        "Worse this week after the outage on Tuesday.",
        "Moving the wrong way; a large customer escalated twice.",
    ),
    "hit": (
        "Hit the target; the changes we made in the first month did most of the work.",
        "Done, and a little ahead of the target.",
        "Target met two weeks before the end of the quarter.",
        "Closed out the quarter above target.",
    ),
    "miss": (
        "Missed: blocked by legal review for six weeks.",
        "Missed; the work it needed slipped to next quarter.",
        "Missed. We underestimated the migration work.",
        "Fell short: two key hires did not start until late in the quarter.",
        "Missed: waiting on the security review for most of the quarter.",
    ),
    "stretch": (
        "A good quarter: most of the way to a stretch target.",
        "Short of the full target but well past 0.7; the approach works.",
        "Strong finish; the last part of the target needs another quarter.",
    ),
    "partial": (
        "Partly there; the last push came too late.",
        "Good progress but short of the target; carrying it over.",
        "Most of the way; the final week went backwards.",
    ),
}

_FIRST = ("Ava", "Ben", "Chloe", "Daniel", "Elena", "Felix", "Grace", "Hugo", "Isla", "Jonas",
          "Kira", "Liam", "Maya", "Noah", "Olivia", "Pavel", "Quinn", "Rosa", "Samir", "Tara",
          "Umar", "Vera", "Wes", "Xenia", "Yusuf", "Zoe", "Aiden", "Bianca", "Caleb", "Dana",
          "Emil", "Farah", "Gabriel", "Hana", "Ivan", "Julia", "Kofi", "Lena", "Mateo", "Nora",
          "Oscar")
_LAST = ("Adams", "Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito",
         "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel", "Quigley",
         "Rossi", "Schmidt", "Tanaka", "Ueda", "Varga", "Walsh", "Xu", "Yilmaz", "Zhang",
         "Andersen", "Brennan", "Chen", "Diallo", "Evans", "Ferreira", "Gupta", "Hoffmann",
         "Ibrahim", "Johansson", "Kim", "Lindqvist", "Murphy", "Novak", "Reyes")


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of calendar quarter `quarter` (1-4) of `year`."""
    start = date(year, 3 * quarter - 2, 1)
    nxt = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, nxt - timedelta(days=1)


def _quarters_up_to(today: date) -> list[tuple[int, int]]:
    """The quarter containing `today` and the three before it, oldest first."""
    year, q = today.year, (today.month - 1) // 3 + 1
    out = [(year, q)]
    for _ in range(3):
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
        out.append((year, q))
    return list(reversed(out))


def _kr_text(t: _KRT, baseline: float, target: float, places: int) -> str:
    if t.kind is KRKind.MILESTONE:
        return t.label
    start = format_value(baseline, t.unit, places)
    return f"{t.label} from {start} to {format_value(target, t.unit, places)}"


def _fate(rng: random.Random) -> float:
    """The final score of a key result: about half hit, a quarter partly, the rest miss."""
    roll = rng.random()
    if roll < 0.5:
        return 1.0 if rng.random() < 0.3 else round(rng.uniform(0.7, 0.99), 2)
    if roll < 0.78:
        return round(rng.uniform(0.4, 0.69), 2)
    return round(rng.uniform(0.0, 0.39), 2)


def _check_in_days(start: date, end: date, until: date) -> list[date]:
    """Weekly check-in days (a week after the start, then every 7 days) up to `until`."""
    days = []
    day = start + timedelta(days=6)
    while day <= min(end, until):
        days.append(day)
        day += timedelta(days=7)
    if until >= end and (not days or days[-1] < end):
        days.append(end)
    return days


class _Builder:
    """Holds the random generator and the growing lists while one snapshot is built."""

    def __init__(self, org_id: str, today: date) -> None:
        self.org_id = org_id
        self.today = today
        self.rng = random.Random(zlib.crc32(org_id.encode("utf-8")))
        self.teams: list[Team] = []
        self.people: list[Person] = []
        self.cycles: list[Cycle] = []
        self.objectives: list[Objective] = []
        self.alignments: list[AlignmentLink] = []
        self.dependencies: list[Dependency] = []
        self.leads: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}

    # -- organisation ------------------------------------------------------

    def build_structure(self) -> None:
        self.teams.append(Team("t-company", self.org_id, DEMO_ORG_NAME, None, "executive"))
        for team_id, name in _DEPARTMENTS:
            self.teams.append(Team(team_id, self.org_id, name, "t-company", None))
        for team_id, name, function, dept in _TEAMS:
            self.teams.append(Team(team_id, self.org_id, name, dept, function))
        first, last = list(_FIRST), list(_LAST)
        self.rng.shuffle(first)
        self.rng.shuffle(last)
        homes = ["t-company"] + [d for d, _ in _DEPARTMENTS]
        homes += [t for t, *_ in _TEAMS for _ in range(3)]
        for n, (home, fn, ln) in enumerate(zip(homes, first, last, strict=True), start=1):
            pid = f"p-{n:02d}"
            email = f"{fn.lower()}.{ln.lower()}@northwind.example"
            self.people.append(Person(pid, self.org_id, f"{fn} {ln}", email, home))
            self.leads.setdefault(home, pid)
            self.members.setdefault(home, []).append(pid)

    # -- cycles --------------------------------------------------------------

    def build_cycles(self) -> None:
        for index, (year, q) in enumerate(_quarters_up_to(self.today)):
            start, end = quarter_bounds(year, q)
            cycle = Cycle(f"c-{year}q{q}", self.org_id, f"{year}-Q{q}", start, end,
                          CycleKind.QUARTER, None, closed=index < 3)
            self.cycles.append(cycle)
            self.build_cycle(cycle, index)

    def build_cycle(self, cycle: Cycle, index: int) -> None:
        tag = cycle.id.removeprefix("c-")
        current = not cycle.closed
        counter = 0
        company_ids: dict[str, str] = {}
        kr_ids: dict[tuple[str, str], str] = {}
        dept_owner = {"retention": "t-customer", "growth": "t-revenue", "product": "t-rnd",
                      "trust": "t-operations", "people": "t-operations"}
        for key, tmpl in _COMPANY.items():
            counter += 1
            oid = f"o-{tag}-{counter}"
            company_ids[key] = oid
            owner = self.leads["t-company"] if key == "growth" else self.leads[dept_owner[key]]
            self.objectives.append(self.objective(
                oid, cycle, tmpl, "t-company", Level.COMPANY, owner, index, current, kr_ids, key))
        for team_id, *_ in _TEAMS:
            for tmpl in _TEAM_OBJECTIVES[team_id]:
                if index not in tmpl.quarters:
                    continue
                counter += 1
                oid = f"o-{tag}-{counter}"
                self.objectives.append(self.objective(
                    oid, cycle, tmpl, team_id, Level.TEAM, self.leads[team_id], index, current,
                    kr_ids, team_id))
                if tmpl.parent is not None:
                    self.alignments.append(
                        AlignmentLink(self.org_id, oid, company_ids[tmpl.parent]))
        for child, parent in _KR_LINKS:
            if child in kr_ids and parent in kr_ids:
                self.alignments.append(AlignmentLink(self.org_id, kr_ids[child], kr_ids[parent]))
        for down, up in _DEPENDENCIES:
            if down in kr_ids and up in kr_ids:
                self.dependencies.append(Dependency(self.org_id, kr_ids[down], kr_ids[up]))

    def objective(self, oid: str, cycle: Cycle, tmpl: _OT, team_id: str, level: Level,
                  owner: str, index: int, current: bool, kr_ids: dict[tuple[str, str], str],
                  scope: str) -> Objective:
        if not current:
            state = ObjectiveState.CLOSED
        elif team_id == "t-partnerships":
            state = ObjectiveState.IN_REVIEW
        else:
            state = ObjectiveState.PUBLISHED
        krs = []
        for n, kt in enumerate(tmpl.krs, start=1):
            kr_id = f"kr-{oid.removeprefix('o-')}-{n}"
            kr_ids[(scope, kt.key)] = kr_id
            trouble = _CURRENT_TROUBLE.get((scope, kt.key)) if current else None
            krs.append(self.key_result(kr_id, oid, kt, team_id, cycle, index, trouble,
                                       tracked=state is not ObjectiveState.IN_REVIEW))
        return Objective(oid, self.org_id, cycle.id, tmpl.title, team_id, level, owner, state,
                         key_results=tuple(krs))

    # -- key results and their check-ins ------------------------------------

    def key_result(self, kr_id: str, oid: str, t: _KRT, team_id: str, cycle: Cycle,
                   index: int, trouble: str | None, *, tracked: bool) -> KeyResult:
        places = {"$M": 1, "$": 2 if t.baseline < 100 else 0}.get(t.unit, decimals_of(t.baseline))
        places = max(places, decimals_of(t.target))
        shift = (index - 3) * t.drift * abs(t.baseline)
        baseline = round(t.baseline + shift, places)
        target = round(t.target + shift, places)
        if t.unit == "%" and t.target <= 100:
            target = min(target, 100.0)
        owner = self.rng.choice(self.members[team_id])
        fate = _fate(self.rng)
        if trouble in ("blocked_falling", "regress", "legal", "behind"):
            fate = round(self.rng.uniform(0.05, 0.45), 2)
        elif trouble == "falling":
            fate = round(self.rng.uniform(0.3, 0.55), 2)
        check_ins = self.check_ins(kr_id, t, baseline, target, places, owner, cycle, fate,
                                   trouble)
        if not tracked:
            check_ins = []
        current_value = check_ins[-1].value if check_ins else None
        return KeyResult(kr_id, self.org_id, oid, _kr_text(t, baseline, target, places), t.kind,
                         t.direction, baseline, target, current_value, t.unit, owner, t.weight,
                         tuple(check_ins))

    def check_ins(self, kr_id: str, t: _KRT, baseline: float, target: float, places: int,
                  owner: str, cycle: Cycle, fate: float, trouble: str | None) -> list[CheckIn]:
        rng = self.rng
        until = cycle.end if cycle.closed else self.today
        full = _check_in_days(cycle.start, cycle.end, cycle.end)
        days = _check_in_days(cycle.start, cycle.end, until)
        if trouble == "stale" and len(days) > 3:
            days = days[: len(days) - rng.randint(3, 4)]
        shape = rng.uniform(0.6, 1.3)
        done_week = rng.randint(max(1, len(full) // 2), len(full)) if fate >= 0.7 else None
        conf = rng.uniform(0.6, 0.8)
        out: list[CheckIn] = []
        for i, day in enumerate(days, start=1):
            last_of_cycle = cycle.closed and i == len(days)
            if not last_of_cycle and i > 1 and rng.random() < 0.08:
                continue
            frac = i / len(full)
            if trouble == "regress":
                p = 0.35 * min(1.0, frac * 2.5) - max(0.0, frac - 0.4) * 0.9
            else:
                p = fate * frac**shape + rng.uniform(-0.04, 0.04)
            if last_of_cycle:
                p = 1.0 + rng.uniform(0.0, 0.1) if fate >= 1.0 else fate
            if t.kind is KRKind.MILESTONE:
                value = 1.0 if done_week is not None and i >= done_week else 0.0
            else:
                value = round(baseline + p * (target - baseline), places + 1)
            outlook = 0.88 if fate >= 0.7 else 0.25 + 0.5 * fate
            conf += (outlook - conf) * 0.25 + rng.uniform(-0.05, 0.05)
            if trouble in ("falling", "blocked_falling") and frac > 0.35:
                conf -= 0.12
            confidence: float | None = round(min(0.95, max(0.05, conf)), 2)
            if rng.random() < 0.05:
                confidence = None
            note = self.note(trouble, p, frac, fate, last_of_cycle)
            at = datetime.combine(day, time(16, 0), tzinfo=UTC)
            source = CheckInSource.CONNECTOR if rng.random() < 0.2 else CheckInSource.MANUAL
            out.append(CheckIn(kr_id, at, value, confidence, note, owner, source))
        return out

    def note(self, trouble: str | None, p: float, frac: float, fate: float,
             last_of_cycle: bool) -> str:
        rng = self.rng
        if last_of_cycle:
            kind = ("hit" if p >= 0.95 else "stretch" if p >= 0.7
                    else "partial" if p >= 0.4 else "miss")
            return rng.choice(_NOTES[kind])
        if trouble == "blocked_falling" and frac > 0.3:
            return _NOTES["blocked"][0]
        if trouble == "legal" and frac > 0.25:
            return rng.choice((_NOTES["blocked"][1], "Still waiting on legal review."))
        if trouble == "regress" and frac > 0.45:
            return rng.choice(_NOTES["regress"])
        if rng.random() < 0.45:
            return ""
        if fate < 0.4 and rng.random() < 0.35:
            return rng.choice(_NOTES["blocked"])
        return rng.choice(_NOTES["good"] if p >= fate * frac * 0.9 else _NOTES["slow"])

    def snapshot(self) -> OrgSnapshot:
        return OrgSnapshot(
            organisation=Organisation(self.org_id, DEMO_ORG_NAME),
            teams=tuple(self.teams),
            people=tuple(self.people),
            cycles=tuple(self.cycles),
            objectives=tuple(self.objectives),
            alignments=tuple(self.alignments),
            dependencies=tuple(self.dependencies),
        )


def build_demo_org(org_id: str = "demo", today: date | None = None) -> OrgSnapshot:
    """Northwind Analytics: ~12 teams, 40 people, three closed quarters and the current one.

    The current quarter is the one containing `today` (default: the real
    date), with weekly check-ins up to `today`; the three quarters before it
    are closed with final outcomes. Same arguments, same snapshot.
    """
    builder = _Builder(org_id, today or date.today())
    builder.build_structure()
    builder.build_cycles()
    return builder.snapshot()
