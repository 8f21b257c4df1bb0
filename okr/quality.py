"""The deterministic OKR quality rules: findings, a score and a publish gate.

The critic agent, the LLM rewrite path and the store's publish gate all start
from `critique()`: it decides every finding code of docs/spec/okr-quality.md
from the text and the structured fields, with no model, so the same OKR always
gets the same verdict and a person can see why.

Severity decides the gate. Errors block publishing because the OKR cannot be
graded honestly as written: a vague or task-shaped objective, fewer than 2 key
results, and any key result that is an output, has no metric, lacks a baseline
or target, or measures something the team cannot move. Warnings flag focus
problems that still leave every key result gradeable: more than 5 key results
in a set, more than 5 objectives for a team in a cycle.

Score (0-100): 100, minus 20 for each objective or set error, 15 for each key
result error, 5 for each warning, floored at 0; an OKR with any error is
capped at 69 so a blocked OKR never looks "good" (>= 70) next to a passing one.

Per key result the codes are exclusive where the fix is to replace it: not
measurable, output (tasks, milestones, activity counts even written from-to)
and not influenceable each stand alone; otherwise a missing target is
reported, or else a missing baseline (a relative change such as "by 20%"
counts as a target without a baseline).

Layering: `assess_kr` returns a `KRVerdict` with what was parsed (metric,
baseline, target, unit, direction), which the offline rewrite templates and
the LLM path can build on; `CritiqueContext` carries what only a file or the
store knows (objectives per team and cycle). No trained model is used: the
rules alone reach the targets on the dev set and on our own labelled sets.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from okr.models import Direction
from okr.quantities import ParsedKR, Quantity, format_quantity, parse_kr, strip_bullet

__all__ = [
    "MAX_KRS",
    "MAX_OBJECTIVES_PER_TEAM",
    "MIN_KRS",
    "SEVERITY",
    "Critique",
    "CritiqueContext",
    "Finding",
    "FindingCode",
    "KRInput",
    "KRVerdict",
    "OKRInput",
    "Severity",
    "TeamInput",
    "assess_kr",
    "clean_metric",
    "critique",
    "critique_many",
    "is_objective_task",
    "is_objective_vague",
    "score_findings",
    "team_cycle_key",
]

MIN_KRS = 2
MAX_KRS = 5
MAX_OBJECTIVES_PER_TEAM = 5


class FindingCode(StrEnum):
    OBJECTIVE_VAGUE = "objective_vague"
    OBJECTIVE_IS_TASK = "objective_is_task"
    TOO_FEW_KRS = "too_few_krs"
    TOO_MANY_KRS = "too_many_krs"
    KR_OUTPUT = "kr_output"
    KR_NOT_MEASURABLE = "kr_not_measurable"
    KR_MISSING_BASELINE = "kr_missing_baseline"
    KR_MISSING_TARGET = "kr_missing_target"
    KR_NOT_INFLUENCEABLE = "kr_not_influenceable"
    TOO_MANY_OBJECTIVES = "too_many_objectives"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


#: Severity of every code (see the module docstring for why).
SEVERITY: dict[FindingCode, Severity] = {
    FindingCode.OBJECTIVE_VAGUE: Severity.ERROR,
    FindingCode.OBJECTIVE_IS_TASK: Severity.ERROR,
    FindingCode.TOO_FEW_KRS: Severity.ERROR,
    FindingCode.TOO_MANY_KRS: Severity.WARNING,
    FindingCode.KR_OUTPUT: Severity.ERROR,
    FindingCode.KR_NOT_MEASURABLE: Severity.ERROR,
    FindingCode.KR_MISSING_BASELINE: Severity.ERROR,
    FindingCode.KR_MISSING_TARGET: Severity.ERROR,
    FindingCode.KR_NOT_INFLUENCEABLE: Severity.ERROR,
    FindingCode.TOO_MANY_OBJECTIVES: Severity.WARNING,
}


# ---------------------------------------------------------------- input/output


class KRInput(BaseModel):
    """One key result of an input line; structured fields win over the text."""

    model_config = ConfigDict(extra="ignore")

    text: StrictStr
    metric: StrictStr | None = None
    baseline: float | None = None
    target: float | None = None
    unit: StrictStr | None = None
    direction: Literal["increase", "decrease"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _text_from_metric(cls, data: Any) -> Any:
        """A key result given only as structured fields reads its metric as its text."""
        if isinstance(data, dict) and data.get("text") is None and isinstance(
                data.get("metric"), str):
            return {**data, "text": data["metric"]}
        return data


class TeamInput(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: StrictStr
    function: StrictStr | None = None


class OKRInput(BaseModel):
    """One line of a critique file (docs/spec/okr-quality.md, "Input")."""

    model_config = ConfigDict(extra="ignore")

    id: StrictStr
    objective: StrictStr = Field(min_length=1)
    team: TeamInput | None = None
    cycle: StrictStr | None = None
    key_results: list[KRInput] = Field(default_factory=list)


class Finding(BaseModel):
    code: FindingCode
    target: str
    severity: Severity
    message: str
    suggestion: str


class Critique(BaseModel):
    """The verdict on one OKR, in the shape `okr critique --json` prints."""

    id: str
    score: int
    publishable: bool
    findings: list[Finding]


@dataclass(frozen=True)
class CritiqueContext:
    """What the critic knows beyond the OKR itself.

    `team_objectives` is how many objectives the owning team holds in the
    OKR's cycle (this one included), counted across a file or the store.
    """

    team_objectives: int | None = None


@dataclass(frozen=True)
class KRVerdict:
    """What the rules read from one key result, kept for messages and rewrites."""

    parsed: ParsedKR
    metric: str
    baseline: float | None
    target: float | None
    unit: str | None
    direction: Direction | None
    codes: tuple[FindingCode, ...]


# ---------------------------------------------------------------- vocabulary

def _words(*items: str) -> str:
    return r"\b(?:" + "|".join(items) + r")\b"


_GENERIC_OBJ = {
    "improve", "improving", "improved", "better", "best", "great", "greater", "greatest",
    "good", "excellence", "excellent", "things", "thing", "stuff", "everything", "keep",
    "keeping", "getting", "get", "be", "become", "do", "doing", "make", "making", "strive",
    "striving", "achieve", "succeed", "success", "successful", "win", "winning",
    "world-class", "awesome", "amazing", "greatness", "go", "continue", "continuously",
    "optimize", "optimise", "enhance", "maximise", "maximize", "work", "harder", "smarter",
    "performance", "results", "impact", "value", "level", "next", "step", "up", "well",
    "more", "much", "very", "really", "always", "even", "again", "all", "possible",
    "excel", "thrive", "delight", "happy", "happier", "wow", "rock", "crush", "it",
    "overall", "general", "generally", "efforts", "stronger", "strong", "further", "push",
    "forward", "higher", "new", "heights", "top", "number", "one", "#1", "leader",
    "leading", "focus", "focused", "matter", "matters", "key", "important", "drive",
    "driving", "growth", "unlock", "potential", "transform", "transformation", "innovate",
    "innovation", "progress", "business", "company", "organisation", "organization",
    "outcomes", "goals", "targets", "numbers", "kpis", "metrics", "efficiency", "world",
    "ever", "quarter", "year", "exceed", "expectations", "above", "beyond", "game", "and",
    "operational", "productivity",
}
#: Verbs that carry no direction when they open an objective ("Deliver world-class
#: service", "Provide excellent support").
_GENERIC_LEAD_VERBS = {"deliver", "provide", "create", "build", "ensure", "offer", "drive",
                       "maintain", "continue", "pursue", "embrace", "foster"}
_STOP = {
    "a", "an", "the", "of", "for", "at", "in", "on", "to", "and", "or", "our", "we", "us",
    "its", "their", "with", "by", "is", "are", "be", "as", "that", "this", "from", "into",
}

_TASK_VERBS = re.compile(
    r"^\s*(?:launch|implement|run|host|complete|ship|build|roll[- ]out|migrate|deploy|"
    r"release|install|create|develop|introduce|set[- ]up|organi[sz]e|hold|publish|upgrade|"
    r"redesign|rebuild|replace|rewrite|refactor|integrate|finish|execute|conduct|open|"
    r"adopt|move|switch\s+to|reorgani[sz]e|restructure|consolidate|digiti[sz]e|pilot|design|write|produce|"
    r"prepare|deliver|stand[- ]up|go\s+live|hire|recruit|renovate|construct|"
    r"finali[sz]e|draft|document|translate|automate|overhaul|revamp|refresh|"
    r"re-?platform|modernise|modernize|sunset|decommission|retire|onboard\s+onto|"
    r"rebrand|relaunch|unveil|announce|wrap(?:[- ]up)?|close[- ]out|audit|inspect|review|"
    r"assess|survey|visit|evaluate)\b(?!-)", re.I)
#: Words that turn an activity into an outcome ("build a demand engine *that*
#: fills the funnel", "build *more* good units", "issue permits *fast enough*").
_OUTCOME_QUALIFIER = re.compile(
    _words("that", "so", "which", "where", "while", "without", "enough", "more", "less",
           "fewer", "faster", "quicker", "cheaper", "safer", "better", "higher", "lower",
           "every", "everyone", "everybody", "until", "whenever", "trust", "love", "want",
           "choose", "need", "needs",
           "reliably", "consistently", r"right\s+first\s+time", r"first\s+time",
           r"on\s+time", r"in\s+full", "safely", "accurately", r"on\s+budget",
           r"with\s+(?:zero|no|nil|minimal|fewer|less)",
           r"(?:error|defect|incident|accident|injury|mistake|surprise|hassle|stress|"
           r"worry|complaint|rework)-free", r"ready\s+(?:for|to)",
           r"first\s+(?:attempt|try|pass|go|visit|call|contact)",
           r"(?:customers?|clients?|passengers?|people|users?|patients?|guests?|members?|"
           r"riders?|readers?|buyers?|shoppers?|students?|parents?|residents?|travell?ers?|"
           r"visitors?|fans?|drivers?|families|tenants|everyone|anyone|nobody|teams?|staff|"
           r"players?|donors?|citizens?|diners?|owners?|viewers?|listeners?|farmers?|pupils?)"
           r"\s+(?:can|could|will|would|never|always|actually|really|don['’]t|do\s+not|"
           r"won['’]t|rarely|no\s+longer|rely|recommend|come|enjoy|notice|feel|find|"
           r"return|remember|look\s+forward|keep|use|value|prefer|praise)",
           r"[a-z]+s\s+(?:can|could|will|would|never|always|actually|rarely|don['’]t|"
           r"won['’]t|no\s+longer)"), re.I)
#: Coverage of a rollout ("to every home", "across all clinics", "migrate every
#: branch") is its scope, not a result for anyone, so it does not count as an
#: outcome qualifier; "ship every order on the day" is a service standard instead.
_ROLLOUT_VERB = re.compile(
    r"^\s*(?:roll[- ]out|implement|deploy|install|migrate|launch|build|set[- ]up|introduce|"
    r"upgrade|replace|move|switch|adopt|open|release|pilot|digiti[sz]e|automate|rebrand|"
    r"refresh|moderni[sz]e|consolidate|equip|extend|connect|distribute|audit|inspect|review|"
    r"assess|survey|visit|evaluate)\b", re.I)
_ROLLOUT_SCOPE = re.compile(
    r"(?:^\s*|\b(?:to|for|across|in|at|on|into|throughout)\s+)(?:every(?:one|body)?|all|each)\b",
    re.I)
_ABSTRACT_OBJECT = re.compile(
    _words("trust", "culture", "cultures", "relationships?", "reputation", "momentum",
           "awareness", "loyalty", "capabilit(?:y|ies)", "confidence", "alignment",
           "morale", "belonging", "engagement", "collaboration", "ownership", "mindset",
           "partnerships?", "rapport", "goodwill", "credibility", "foundations?",
           "excellence", "experience", "sense", "habits?", "spirit", "community",
           "wellbeing", "well-being"), re.I)
_COMPARATIVE = re.compile(
    _words("more", "less", "better", "stronger", "greater", "higher", "deeper", "clearer",
           "simpler", "easier", "faster", "smoother", "healthier", "safer", "closer",
           "happier", "richer", "wider", "broader", "tighter", "leaner"), re.I)

_KR_OUTPUT_VERBS = re.compile(
    r"^\s*(?:(?:successfully|fully)\s+)?(?:launch|ship|release|publish|post|host|hold|"
    r"organi[sz]e|run|conduct|perform|complete|finish|write|send|attend|migrate|implement|"
    r"deploy|roll[- ]out|install|update|upgrade|resurface|repave|pave|repair|build|"
    r"create|develop|design|redesign|introduce|set[- ]up|hire|recruit|train|interview|"
    r"open|close|do|add|produce|prepare|distribute|visit|call|email|translate|document|"
    r"draft|submit|file|review|audit|inspect|plant|paint|replace|refactor|rewrite|"
    r"pilot|test|start|begin|kick[- ]off|go[- ]live|go live|finali[sz]e|sign[- ]off|"
    r"schedule|map|define|identify|assess|evaluate|analy[sz]e|research|deliver|"
    r"print|record|produce|organi[sz]e|present|give|teach|fix|resolve|answer|process|"
    r"handle|make|contact|reach out to|onboard|integrate|automate|digiti[sz]e|sunset|"
    r"decommission|rebuild|renovate|construct|install|enrol|enroll|distribute|"
    r"expand\s+(?:in)?to|enter|"
    r"achieve\s+(?:iso|soc|pci|hipaa|gdpr)|obtain|secure\s+(?:iso|soc)|pass\s+the)\b(?!-)",
    re.I)
#: Verbs that are only activity when followed by a count ("Make 200 calls",
#: "Close 40 tickets") and not an outcome ("Close $2M", "Resolve 90% of ...").
_COUNT_ONLY_VERBS = re.compile(
    r"^\s*(?:make|close|resolve|answer|process|handle|fix|do|give|contact|onboard|"
    r"enrol|enroll)\b", re.I)
_ACTIVITY_NOUNS = (
    r"emails?|e-mails?|calls?|posts?|blog\s+posts?|articles?|meetings?|campaigns?|"
    r"webinars?|events?|workshops?|trainings?|training\s+sessions?|sessions?|"
    r"interviews?|demos?|visits?|home\s+visits?|audits?|inspections?|features?|releases?|"
    r"work\s+orders?|tasks?|reports?|records?|documents?|pages?|templates?|newsletters?|"
    r"ads?|adverts?|press\s+releases?|videos?|podcasts?|episodes?|pull\s+requests?|prs?|"
    r"commits?|story\s+points?|tickets?|issues?|hires?|courses?|classes?|lessons?|"
    r"screenings?|outreach|touchpoints?|touches|letters?|flyers?|leaflets?|brochures?|"
    r"surveys?|tests?|experiments?|pilots?|projects?|initiatives?|programs?|programmes?|"
    r"partnerships?\s+signed|integrations?|deployments?|migrations?|upgrades?|"
    r"lines\s+of\s+code|hours\s+(?:of\s+)?(?:training|volunteering|logged|worked)"
)
_ACTIVITY_PARTICIPLES = re.compile(
    _words("sent", "made", "held", "hosted", "run", "published", "posted", "launched",
           "shipped", "released", "closed", "completed", "conducted", "performed", "created",
           "written", "delivered", "organi[sz]ed", "attended", "given", "logged", "scheduled",
           "booked", "done", "carried out", "placed", "distributed", "produced", "visited",
           "handled", "processed", "trained", "hired", "recruited", "deployed", "migrated",
           "installed", "submitted", "filed", "updated", "reviewed", "audited",
           "inspected", "merged", "committed", "resolved", "answered", "fixed", "opened",
           "added", "built", "implemented", "recorded", "taught", "delivered"), re.I)
_ACTIVITY_WITH_PARTICIPLE = re.compile(
    r"\b(?:" + _ACTIVITY_NOUNS + r")\b(?:\s+[\w-]+){0,3}?\s+" + _ACTIVITY_PARTICIPLES.pattern,
    re.I)
_STRONG_ACTIVITY = re.compile(
    _words(r"outbound\s+(?:e-?mails?|calls?|messages?|touches)", r"cold\s+(?:calls?|e-?mails?)",
           r"blog\s+posts?", r"social(?:\s+media)?\s+posts?", r"press\s+releases?",
           r"campaigns?", r"webinars?", r"workshops?", r"training\s+sessions?", r"newsletters?",
           r"story\s+points?", r"lines\s+of\s+code", r"commits", r"dials", r"experiments",
           r"sales\s+calls", r"e-?mails\s+per", r"meetings\s+held", r"releases",
           r"events\s+(?:run|hosted|held)", r"articles\s+(?:written|published)",
           r"home\s+visits", r"inspections\s+(?:completed|conducted|carried out)",
           r"(?:recruitment|fundraising|blood|donation|membership|enrol?ment|awareness|"
           r"clean-?up|food|collection)\s+drives", r"roadshows",
           r"(?:jobs?|careers?|recruitment|trade|open)\s+fairs", r"open\s+(?:days|evenings)",
           r"site\s+visits", r"door-?knocking(?:\s+sessions)?")
    + r"(?=\s+(?:per|a|an|each|every|sent|made|run|held|hosted|launched|published|posted|"
    r"delivered|completed|written|logged|done|conducted|from|to)\b|\s*[:(→]|\s+\d|\s*$)",
    re.I)
#: Any leading verb whose counted object is an activity ("Book 120 meetings",
#: "Give 10 conference talks").
_VERB_ACTIVITY_COUNT = re.compile(
    r"^\s*[a-z]+\s+(?:at\s+least\s+)?\d[\d,.]*k?\s+(?:[\w-]+\s+){0,2}?"
    r"(?:meetings?|calls?|posts?|campaigns?|webinars?|workshops?|events?|sessions?|"
    r"interviews?|demos?|visits?|classes|lessons?|trainings?|articles?|videos?|"
    r"newsletters?|e-?mails?|talks?|presentations?|podcasts?|press\s+releases?|"
    r"blog\s+posts?|conferences?|roadshows?|hackathons?|courses?)\b", re.I)
#: Participles that make almost any counted noun an activity ("pipelines migrated",
#: "staff trained"), when they follow the first words of the key result.
_STRONG_PARTICIPLE = re.compile(
    r"^\s*(?:[\w'-]+\s+){1,3}?(?:sent|held|hosted|published|posted|launched|conducted|"
    r"performed|organi[sz]ed|migrated|installed|deployed|written|hired|recruited|trained|"
    r"run|shipped|released|created|built|implemented|produced|distributed|signed|"
    r"rolled\s+out|completed|decommissioned|retired|upgraded|converted|planted|contacted|"
    r"called|emailed|e-mailed|messaged|mailed)\b", re.I)
#: Activity counted per person doing it ("Customer visits per account manager").
_PER_WORKER = re.compile(
    r"\b(?:" + _ACTIVITY_NOUNS + r"|hours)\b(?:\s+[\w-]+){0,2}?\s+per\s+(?:sales\s*)?"
    r"(?:rep|representative|sdr|bdr|ae|agent|seller|salesperson|account\s+manager|csm|"
    r"employee|engineer|developer|designer|recruiter|nurse|teacher|person|head|fte)s?\b", re.I)
#: Work counted only when it was right first time ("tickets resolved at first
#: contact", "repairs fixed on the first visit") is a quality outcome, not activity.
_FIRST_TIME = re.compile(
    r"\b(?:at|on|in)\s+(?:the\s+)?first\s+(?:contact|call|visit|attempt|touch|submission)\b|"
    r"\bright[- ]first[- ]time\b|\bfirst[- ]time[- ]right\b", re.I)
#: Something customers do themselves ("tests booked online", "orders placed via
#: the app", "renewals completed by members") is their behaviour, not our work.
_DONE_BY_CUSTOMERS = re.compile(
    r"\b(?:booked|made|placed|completed|submitted|done|paid|renewed|started)\s+(?:online|"
    r"via\s+(?:the\s+)?(?:app|web|website|portal|self-service)|self-serve[d]?|"
    r"by\s+(?:customers|patients|clients|members|users|guests|parents|students|tenants))\b",
    re.I)
#: Any leading verb with a count of new deliverables ("Bake 3 new sourdough
#: varieties", "Add 12 new menu items", "Launch 4 new SKUs"): things made, not results.
_NEW_DELIVERABLES = re.compile(
    r"^\s*[a-z]+\s+(?:at\s+least\s+)?\d[\d,.]*\s+(?:brand[- ])?new\s+(?:[\w-]+\s+){0,2}?"
    r"(?:products?|varieties|recipes|flavou?rs|skus|features|dishes|menu\s+items|items|"
    r"lines|ranges|designs|courses|modules|services|offerings|formulas|formulations|"
    r"templates|styles|collections|titles|routes|apps?|tools?|versions|packages|bundles|"
    r"reports|dashboards|videos|guides|episodes|programmes|programs|exhibits|shows)\b",
    re.I)
_SIGN_DEALS = re.compile(r"^\s*sign\s+(?:\d[\d,]*\s+)?(?:new\s+)?(?:[\w-]+\s+)?"
                         r"(?:agreements?|partnerships?|mous?|contracts\s+with\s+partners|"
                         r"memoranda)\b", re.I)
_MILESTONE_STATE = re.compile(
    _words("live", "launched", "shipped", "released", "completed", "done", "implemented",
           "deployed", "delivered", "rolled out", "in place", "signed off", "finished",
           "migrated", "published", "go-live", "approved", "certified", "installed",
           "operational", "available", "in production"), re.I)

#: A deadline ("by end of February", "before Q3", "by 15 March"): with no metric
#: next to it, the key result is a dated milestone.
_DEADLINE = re.compile(
    r"\b(?:by|before|until|till|no\s+later\s+than|ahead\s+of)\s+(?:the\s+)?"
    r"(?:(?:end|start|beginning|middle)\s+of\s+(?:the\s+)?|mid-?)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|"
    r"june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
    r"q[1-4]|h[12]|(?:19|20)\d{2}|quarter|year|cycle|term|semester|season|summer|spring|"
    r"autumn|fall|winter|month|week|launch|go-live|deadline|\d{4}-\d{2})\b", re.I)
#: Head nouns of activity a team runs or does (practice and rehearsal included:
#: "drills", "scrims", "mock exams"), counted per period. Words that
#: are also outcomes ("app sessions", "website visits", "test drives") count
#: only with a qualifier that makes them activity ("training sessions",
#: "site visits", "recruitment drives").
_RATE_ACTIVITY_NOUNS = (
    r"posts|e-?mails|calls|meetings|webinars|articles|videos|reels|stories|tweets|events|"
    r"campaigns|talks|workshops|trainings|newsletters|podcasts|demos|demonstrations|"
    r"presentations|mailings|mailshots|mailouts|briefings|huddles|stand-?ups|site\s+walks|"
    r"(?:story|training|coaching|tutoring|mentoring|info(?:rmation)?|drop-in|door-?knocking|"
    r"outreach|awareness|induction|q&a|listening|engagement|recruitment|fundraising|"
    r"practice|sparring|rehearsal|drill|revision|scrim)"
    r"[- ]?(?:time\s+)?sessions|"
    r"(?<!test\s)(?<!hard\s)(?<!disk\s)(?<!usb\s)drives|fairs|roadshows|"
    r"open\s+(?:days|evenings|mornings)|field\s+days|tastings|seminars|conferences|"
    r"scrims|scrimmages|drills|rehearsals|run-?throughs|dry\s+runs|war\s+games|"
    r"practice\s+(?:matches|games|rounds|runs|shifts)|mock\s+(?:exams|interviews|trials)|"
    r"tabletop\s+exercises|boot\s?camps|"
    r"trade\s+shows|exhibitions|meetups|hackathons|leaflet\s+drops|canvass(?:es|ing)|"
    r"(?:site|home|field|sales|farm|school|supplier|audit|follow-?up|outreach|prospect)"
    r"\s+visits"
)
#: Participles that make the counted noun before them work done ("letters sent",
#: "treatments carried out", "tastings hosted") whatever the noun is.
_RATE_PARTICIPLES = (r"sent|held|hosted|run|organi[sz]ed|conducted|carried\s+out|performed|"
                     r"mailed|emailed|e-mailed|staged|put\s+on")
#: Activity counted per period or per piece of work, even written from-to
#: ("Instagram posts per week from 3 to 7", "Toolbox talks per week: 2 → 5",
#: "Sales calls made per rep per day 30 to 45", "Recall letters sent per month").
_ACTIVITY_RATE = re.compile(
    r"^\s*(?!(?:inbound|incoming|customer|support|missed|abandoned|complaint|unanswered|"
    r"dropped)\b)(?:[\w'&-]+\s+){0,3}?(?:(?:" + _RATE_ACTIVITY_NOUNS + r")"
    r"(?:\s+(?:" + _RATE_PARTICIPLES + r"|made|delivered|given|booked|completed|logged|"
    r"done|attended))?|[\w'-]+s\s+(?:" + _RATE_PARTICIPLES + r"))"
    r"\s+(?:(?:per|a|an|each|every)\s+[\w-]+\s*){1,2}(?:from\b|:|→|\d)", re.I)

_METRIC_NOUNS = re.compile(
    _words(r"rates?", "ratio", "share", "percentage", "percent", "proportion",
           r"number\s+of", "count", r"#", "nps", "enps", "csat", "ces", "scores?", "index",
           "churn", "retention", "conversion", "revenue", "arr", "mrr", "gmv", "bookings",
           "pipeline", "costs?", "spend", "margins?", "profit", "uptime", "availability",
           "latency", r"p\d{2}", "throughput", "utili[sz]ation", "accuracy", "completeness",
           "yield", "attendance", "participation", "mttr", "mttd", "mtbf", "dso", "ltv",
           "cac", "aov", r"active\s+users", "wau", "mau", "dau", "users", "members",
           r"sign-?ups", "signups", "visits", "sessions", "tickets", "incidents", "defects",
           "errors", "complaints", r"time\s+to", r"lead\s+time", r"cycle\s+time",
           r"response\s+time", r"resolution\s+time", "turnaround", "duration", "per",
           "average", "median", "mean", "volume", "frequency", "backlog", "coverage",
           "adoption", "downtime", "oee", "ctr", "roi", "roas", "headcount", "attrition",
           "turnover", "occupancy", "readmissions?", "mortality", "satisfaction",
           "sales", "orders", "sla", "kpi", "days", "hours", "minutes", "weeks",
           "percentile", "amount", "total", "how many", "how much"), re.I)
_TRACKING = re.compile(r"^\s*(?:track|monitor|measure|report|watch|observe|follow)\b|"
                       r"\b(?:reported|tracked|measured|monitored)\s+(?:monthly|weekly|daily|"
                       r"quarterly|each|every)", re.I)
# Metrics outside any single team's reach.
_MACRO = re.compile(
    _words(r"gdp", r"inflation", r"cpi", r"interest\s+rates?", r"base\s+rates?",
           r"policy\s+rates?", r"bank\s+rates?", r"prime\s+rates?", r"fed(?:eral)?\s+funds",
           r"exchange\s+rates?", r"fx\s+rates?", r"currency\s+rates?", r"oil\s+prices?",
           r"commodity\s+prices?",
           r"(?:diesel|petrol|gasoline|crude|oil|gas|fuel|electricity|energy|wholesale|spot)"
           r"\s+prices?", r"price\s+of\s+(?:diesel|petrol|oil|gas|fuel|electricity|gold)",
           r"sunshine(?:\s+hours)?", r"daylight\s+hours",
           r"unemployment(?:\s+rate)?", r"stock\s+market", r"s&p\s*500", r"nasdaq",
           r"dow\s+jones", r"ftse", r"dax", r"housing\s+prices?", r"house\s+prices?",
           r"birth\s+rates?", r"population\s+growth", r"weather", r"rainfall",
           r"temperatures?", r"hurricanes?", r"snowfall", r"recession", r"consumer\s+confidence",
           r"market\s+growth", r"market\s+size", r"category\s+growth", r"tam",
           r"election", r"tax\s+rates?", r"minimum\s+wage", r"seasonal\s+(?:flu|influenza)",
           r"(?:flu|influenza|covid(?:-19)?|measles|malaria|dengue)\s+(?:cases|outbreaks?)",
           r"pandemic", r"solar\s+(?:storms?|flares?)", r"geomagnetic\s+storms?",
           r"space\s+weather", r"earthquakes?", r"heatwaves?", r"droughts?",
           r"frost\s+days", r"sea\s+states?", r"(?:wave|swell)\s+heights?",
           r"wind\s+speeds?", r"gales?", r"beaufort", r"richter"), re.I)
_SHARE_PRICE = re.compile(_words(r"share\s+price", r"stock\s+price",
                                 r"market\s+cap(?:itali[sz]ation)?",
                                 r"shareholder\s+returns?", r"tsr", r"eps", r"p/e"), re.I)
_COMPETITOR = re.compile(
    r"\b(?:competitors?|rivals?|competition(?='))(?:'s|')?(?!\w)|"
    r"\bother\s+(?:companies|vendors|firms|hospitals|schools)\b", re.I)
#: Totals for a whole industry or market: no single team moves them, even when
#: they are revenue.
_INDUSTRY_TOTAL = re.compile(
    _words(r"industry[- ]wide", r"industry\s+(?:average|benchmark|total)s?", r"market[- ]wide",
           r"sector[- ]wide", r"across\s+the\s+(?:industry|market|sector)",
           r"whole\s+(?:industry|market|sector)", r"total\s+(?:market|industry)",
           r"(?:industry|(?<![\w-])market|sector)\s+(?:revenues?|sales|size|volumes?|"
           r"spend(?:ing)?|value|demand|turnover|output|profits?)"), re.I)
#: A regulator's, government's or other outside body's own process, decision or
#: price ("FDA review time", "customs clearance time", "government tariff prices").
_BODY = (r"(?:fda|ema|mhra|fca|sec|ofgem|ofcom|ofwat|cqc|irs|hmrc|nice|regulators?|"
         r"government|ministry|customs|border\s+(?:agency|force)|courts?|parliament|"
         r"congress|planning\s+(?:authority|department)|tax\s+authority|(?:the\s+)?agency|"
         r"central\s+bank|council|local\s+authority)")
_BODY_PROCESS = (r"(?:review|approval|clearance|processing|decision|response|inspection|"
                 r"waiting|determination|ruling|licen[cs]ing|permit(?:ting)?)\s+(?:times?|"
                 r"periods?|backlogs?|speed|rates?)")
_OUTSIDE_PROCESS = re.compile(
    r"\b" + _BODY + r"(?:'s)?\s+(?:[\w-]+\s+){0,3}?(?:" + _BODY_PROCESS
    + r"|prices?|tariffs?|fees?|tax\s+rates?|policy|policies|budgets?|spending)\b|\b"
    + _BODY_PROCESS + r"\s+(?:[\w-]+\s+){0,3}?(?:at|by|of|from|in)\s+(?:the\s+)?" + _BODY
    + r"\b|\b(?:customs|regulatory)\s+clearance\s+times?\b", re.I)
#: Cheap substrings one of which any `_OUTSIDE_PROCESS` match contains.
_BODY_HINTS = ("fda", "ema", "mhra", "fca", "sec", "ofgem", "ofcom", "ofwat", "cqc", "irs",
               "hmrc", "nice", "regulator", "government", "ministry", "customs", "border",
               "court", "parliament", "congress", "planning", "tax", "agency", "central",
               "council", "authority", "clearance")
_OUTSIDE_TEAM = re.compile(
    r"regulat|government|ministry|agency|customs|border|public\s+sector|court|parliament|"
    r"treasury|policy|council|municipal|local\s+authority|city|county", re.I)
_WIDE_SCOPE = re.compile(
    _words(r"industry[- ]wide", r"industry\s+(?:average|benchmark)", r"across\s+the\s+industry",
           r"sector[- ]wide", r"across\s+the\s+(?:[\w-]+\s+){0,3}sector", r"market[- ]wide",
           r"global(?:ly)?", r"worldwide", r"world[- ]wide", r"nation[- ]?wide", r"national",
           r"nationally", r"country[- ]wide", r"state[- ]wide", r"statewide",
           r"in\s+the\s+(?:country|world|nation|industry|eu|us|uk)",
           r"across\s+the\s+(?:eu|us|uk|country|world)",
           r"all\s+(?:companies|hospitals|schools|vendors)",
           r"reported\s+to\s+(?:cisa|the\s+regulator)"),
    re.I)
_LOCAL_SCOPE = re.compile(
    _words(r"(?:in|to|across|of|within)\s+the\s+(?:county|city|region|district|area|state|"
           r"province|town|community|country)",
           r"county[- ]wide", r"city[- ]wide", r"citywide", r"region[- ]wide",
           r"community[- ]wide"), re.I)
_OWNED = re.compile(
    _words("our", "we", "us", "ours", "company", "customers?", "clients?", "accounts?",
           "employees?", "staff", "patients", "students", "members", "donors", "users",
           "subscribers", "arr", "mrr", "revenue", "bookings", "pipeline", "orders",
           "workspaces", "tickets", "ward", "clinic", "plant", "store", "stores"), re.I)


# ---------------------------------------------------------------- objective rules


def _tokens(text: str) -> list[str]:
    return [t for t in re.findall(r"[a-z0-9#][a-z0-9'&#+-]*", text.lower())]


#: "Make data science better", "Get payments great": a praise word on a noun,
#: with no who, what or which way.
_MAKE_IT_BETTER = re.compile(
    r"^\s*(?:make|get|keep|become)\s+(?:(?:the|our|a|an)\s+)?(?:[\w&'-]+\s+){1,3}?"
    r"(?:(?:even|much|a\s+lot|really)\s+)?(?:better|great|greater|good|best|excellent|"
    r"awesome|amazing|world[- ]class|the\s+best|great\s+again)\s*[.!]?\s*$", re.I)


def is_objective_vague(objective: str) -> bool:
    """True when the objective names no scope or direction a team could act on.

    What is left after dropping filler and generic praise words ("improve",
    "better", "great", "things", "excellence") is at most one word: "Be the
    best", "Do better at sales", "Make data great".
    """
    objective = strip_bullet(objective)
    if _MAKE_IT_BETTER.match(objective):
        return True
    tokens = _tokens(objective)
    if tokens and tokens[0] in _GENERIC_LEAD_VERBS:
        tokens = tokens[1:]
    content = [t for t in tokens if t not in _GENERIC_OBJ and t not in _STOP]
    return len(content) <= 1


_CERTIFY = re.compile(
    r"^\s*(?:achieve|obtain|gain|get|pass|earn|secure|attain|complete)\s+(?:the\s+|our\s+|an?\s+)?"
    r"(?:[\w-]+\s+){0,4}?(?:certification|accreditation|certified|accredited|audit|"
    r"attestation|compliance|iso\s*\d+|soc\s*[12]|pci)\b", re.I)


def is_objective_task(objective: str) -> bool:
    """True when the objective is a deliverable ("Launch the new website").

    It starts with a delivery verb and nothing in it says what should change
    as a result ("that ...", "more", "faster", "for every ..."), and its
    object is concrete, not "trust" or "a culture of ...".
    """
    objective = strip_bullet(objective)
    if _CERTIFY.match(objective) and not _OUTCOME_QUALIFIER.search(objective):
        return True
    m = _TASK_VERBS.match(objective)
    if not m:
        return False
    rest = objective[m.end():]
    if _ROLLOUT_VERB.match(objective):
        rest = _ROLLOUT_SCOPE.sub(" ", rest)
    return not (_OUTCOME_QUALIFIER.search(rest) or _ABSTRACT_OBJECT.search(rest)
                or re.search(r"\b\w+er\s+than\b", rest, re.I))


# ---------------------------------------------------------------- key result rules


def _norm_function(function: str | None, team_name: str | None) -> str:
    return f"{function or ''} {team_name or ''}".lower()


#: "Our price vs the spot price", "win rate against competitors", "premium over
#: market": our own figure measured against an outside reference. What follows
#: the marker is the yardstick, so only the words before it decide reach.
_AGAINST_REFERENCE = re.compile(
    r"\s(?:vs\.?|versus|relative\s+to|compared\s+(?:with|to)|benchmarked\s+(?:against|to)|"
    r"index(?:ed)?\s+(?:against|to)|premium\s+(?:over|to)|discount\s+to|against|"
    r"as\s+a\s+(?:%|percentage|share|multiple)\s+of)\s", re.I)


def _own_part(text: str) -> str:
    """The words before a comparison with an outside reference, or the whole text."""
    m = _AGAINST_REFERENCE.search(text)
    return text[: m.start()] if m and re.search(r"\w", text[: m.start()]) else text


def _is_influenceable(text: str, function: str | None, team_name: str | None) -> bool:
    who = _norm_function(function, team_name)
    text = _own_part(text)
    if _COMPETITOR.search(text):
        return False
    if _INDUSTRY_TOTAL.search(text) and not re.search(r"\b(?:our|we|us)\b", text, re.I):
        return False
    low = text.lower()
    if (any(h in low for h in _BODY_HINTS) and _OUTSIDE_PROCESS.search(text)
            and not _OUTSIDE_TEAM.search(who)):
        return False
    if _SHARE_PRICE.search(text) and not re.search(
            r"investor|executive|leadership|board|ceo|c-suite|corporate\s+development", who):
        return False
    macro = _MACRO.search(text)
    if macro and not re.search(
            r"central\s+bank|monetary|public\s+health|epidemiolog|meteorolog", who):
        return False
    if _WIDE_SCOPE.search(text) and not _OWNED.search(text):
        return False
    return not (_LOCAL_SCOPE.search(text) and not _OWNED.search(text) and not re.search(
        r"government|public|municipal|city|county|council|ministry|agency|nonprofit|"
        r"ngo|charity", who))


def _is_output(text: str, parsed: ParsedKR, direction: Direction | None,
               ratio_metric: bool) -> bool:
    """Work done rather than a change in an outcome: tasks, milestones, activity counts."""
    if _SIGN_DEALS.match(text) or (
            (_VERB_ACTIVITY_COUNT.match(text) or _NEW_DELIVERABLES.match(text))
            and not ratio_metric):
        return True
    if (_STRONG_PARTICIPLE.match(text) and parsed.target is not None
            and parsed.target.value == 100 and parsed.target.unit == "%"):
        return True
    verb = _KR_OUTPUT_VERBS.match(text)
    if verb:
        if (parsed.baseline is not None and parsed.target is not None
                and direction is Direction.DECREASE):
            return False
        rest = text[verb.end():]
        count_only = _COUNT_ONLY_VERBS.match(text) is not None
        if ratio_metric:
            return not count_only and bool(re.match(r"\s*(?:100\s?%|all\b)", rest, re.I))
        if count_only:
            return bool(re.match(r"\s*(?:an?\s+|another\s+)?\d", rest))
        return parsed.has_numbers or not (_ABSTRACT_OBJECT.search(rest)
                                          or _COMPARATIVE.search(rest))
    if ratio_metric or direction is Direction.DECREASE:
        return False
    if _ACTIVITY_RATE.match(text):
        return True
    if _FIRST_TIME.search(text) or _DONE_BY_CUSTOMERS.search(text):
        return False
    if (_STRONG_ACTIVITY.search(text) or _ACTIVITY_WITH_PARTICIPLE.search(text)
            or _SIGN_DEALS.match(text) or _PER_WORKER.search(text)):
        return True
    if parsed.has_numbers and _STRONG_PARTICIPLE.match(text) and not re.match(
            r"^\s*(?:orders|products|parcels|packages|units|goods|items|deliveries)\b",
            text, re.I):
        return True
    return not parsed.has_numbers and bool(
        _MILESTONE_STATE.search(text) or _DEADLINE.search(text)) and not bool(
        _METRIC_NOUNS.search(text))


def _is_ratio(parsed: ParsedKR, unit: str | None) -> bool:
    units = {unit, parsed.target.unit if parsed.target else None,
             parsed.baseline.unit if parsed.baseline else None}
    return bool(units & {"%", "pp", "USD", "EUR", "GBP", "JPY", "CHF", "INR"}) or any(
        u is not None and u.startswith(("/", ":")) for u in units)


def _measurable_without_numbers(text: str) -> bool:
    return bool(_TRACKING.search(text) or _METRIC_NOUNS.search(text))


def assess_kr(kr: KRInput, function: str | None = None,
              team_name: str | None = None) -> KRVerdict:
    """Decide the codes for one key result, applying the spec's exclusivity rules.

    Not measurable stands alone; an output (task, milestone, activity count,
    even written from-to) stands alone; a metric the team cannot move stands
    alone too (the fix is to replace it, so its missing numbers do not matter);
    otherwise it needs a target and then a baseline (a relative change such as
    "by 20%" counts as a target without a baseline).
    """
    text = strip_bullet(kr.text)
    parsed = parse_kr(text)
    baseline = kr.baseline if kr.baseline is not None else _value(parsed.baseline)
    target = kr.target if kr.target is not None else _value(parsed.target)
    unit = kr.unit or parsed.unit
    direction = Direction(kr.direction) if kr.direction else parsed.direction
    metric = kr.metric or parsed.metric
    structured = kr.metric is not None or kr.baseline is not None or kr.target is not None
    has_target = target is not None or parsed.relative_change is not None
    codes: list[FindingCode] = []

    if _is_output(text, parsed, direction, _is_ratio(parsed, kr.unit)):
        codes.append(FindingCode.KR_OUTPUT)
    elif not (parsed.has_numbers or structured or _measurable_without_numbers(text)):
        codes.append(FindingCode.KR_NOT_MEASURABLE)
    else:
        text_for_reach = f"{text} {kr.metric or ''}"
        if not _is_influenceable(text_for_reach, function, team_name):
            codes.append(FindingCode.KR_NOT_INFLUENCEABLE)
        elif not has_target:
            codes.append(FindingCode.KR_MISSING_TARGET)
        elif baseline is None:
            codes.append(FindingCode.KR_MISSING_BASELINE)
    return KRVerdict(parsed=parsed, metric=metric, baseline=baseline, target=target,
                     unit=unit, direction=direction, codes=tuple(codes))


def _value(q: Quantity | None) -> float | None:
    return q.value if q is not None else None


# ---------------------------------------------------------------- messages


def _fmt(v: float | None, q: Quantity | None, unit: str | None) -> str:
    if q is not None and v == q.value:
        return q.raw
    return format_quantity(v, unit)


_LEADING_VERB = re.compile(
    r"^\s*(?:(?:grow|increase|reduce|cut|raise|track|monitor|measure|improve|reach|lower|"
    r"boost|decrease|achieve|hit|keep|maintain|lift|drive|get|bring|move|shrink|"
    r"minimi[sz]e|maximi[sz]e|report)\s+)+(?:the\s+|our\s+)?", re.I)
_TRAILING_FILLER = re.compile(r"\s+(?:down|up|to|by|from)$", re.I)


def clean_metric(metric: str) -> str:
    """Metric words without the leading verb ("Grow MQLs" -> "MQLs") for suggestions."""
    out = _TRAILING_FILLER.sub("", _LEADING_VERB.sub("", metric)).strip(" ,;:")
    out = re.sub(r"\s*,\s*(?=per\b)", " ", out)
    return (out[:1].upper() + out[1:]) if out else metric


def _kr_finding(code: FindingCode, index: int, kr: KRInput, v: KRVerdict,
                function: str | None) -> Finding:
    metric = clean_metric(v.metric.strip() or kr.text)
    base = _fmt(v.baseline, v.parsed.baseline, v.unit)
    tgt = _fmt(v.target, v.parsed.target, v.unit)
    if v.target is None and v.parsed.relative_change is not None:
        sign = "+" if v.parsed.relative_change > 0 else ""
        unit = v.parsed.relative_unit or ""
        tgt = f"({sign}{v.parsed.relative_change:g}{unit if unit in {'%', 'x'} else ' ' + unit})"
    team = f"a {function} team" if function else "the team"
    message: str
    suggestion: str
    if code is FindingCode.KR_OUTPUT:
        message = (f'"{kr.text}" counts work done, not a change in an outcome: it can be '
                   "fully done while nothing improves.")
        suggestion = ("Keep it as a task in the plan, and replace the key result with the "
                      "result this work should move, written as 'metric from X to Y' "
                      "(for example the adoption, conversion, quality or cost it changes).")
    elif code is FindingCode.KR_NOT_MEASURABLE:
        message = (f'"{kr.text}" names no metric: nobody could score it from 0 to 1.0 '
                   "with data.")
        suggestion = ("Pick the number that would show this happened and write it as "
                      "'<metric> from <today> to <goal>', e.g. a survey score, rate or "
                      "count you can measure now and at the end of the cycle.")
    elif code is FindingCode.KR_MISSING_BASELINE:
        message = f'"{kr.text}" has a target but no starting value, so progress cannot be scored.'
        suggestion = f"{metric} from ? to {tgt}: add the current value."
    elif code is FindingCode.KR_MISSING_TARGET:
        message = f'"{kr.text}" names a metric but no value to reach by the end of the cycle.'
        suggestion = (f"{metric} from {base} to ?: add the value you aim to reach."
                      if v.baseline is not None else
                      f"{metric} from ? to ?: add where it stands today and the value "
                      "you aim to reach.")
    else:
        message = (f'"{kr.text}" measures something {team} cannot plausibly move; '
                   "it will go up or down whatever the team does.")
        suggestion = ("Replace it with a metric the team's own work changes, e.g. the "
                      "part of this outcome that comes from your customers, users or process.")
    return Finding(code=code, target=f"kr:{index}", severity=SEVERITY[code],
                   message=message, suggestion=suggestion)


def _objective_finding(code: FindingCode, objective: str) -> Finding:
    if code is FindingCode.OBJECTIVE_VAGUE:
        message = (f'"{objective}" gives no direction or scope: a team could not tell '
                   "what to do differently on Monday.")
        suggestion = ("Say who benefits and what changes for them, e.g. 'Get new customers "
                      "to value in their first week' rather than a general wish.")
    else:
        message = (f'"{objective}" is a piece of work, not an outcome: it can be done '
                   "without anything getting better.")
        suggestion = ("Name the result this work is for (ask 'so that what?') and make "
                      "that the objective; keep the deliverable as a task or milestone.")
    return Finding(code=code, target="objective", severity=SEVERITY[code],
                   message=message, suggestion=suggestion)


def _set_finding(code: FindingCode, count: int) -> Finding:
    if code is FindingCode.TOO_FEW_KRS:
        message = (f"This objective has {count} key result{'s' if count != 1 else ''}; "
                   f"it needs at least {MIN_KRS} to show progress from more than one angle.")
        suggestion = (f"Add {MIN_KRS - count} more key result{'s' if MIN_KRS - count > 1 else ''} "
                      "as 'metric from X to Y', e.g. a quality or adoption measure beside "
                      "the main number.")
    else:
        message = (f"This objective has {count} key results; more than {MAX_KRS} spreads "
                   "attention thin.")
        suggestion = (f"Keep the {MAX_KRS} or fewer that best show the objective is met and "
                      "track the rest as health metrics.")
    return Finding(code=code, target="set", severity=SEVERITY[code],
                   message=message, suggestion=suggestion)


def _team_finding(okr: OKRInput, count: int) -> Finding:
    team = okr.team.name if okr.team else "This team"
    cycle = okr.cycle or "this cycle"
    return Finding(
        code=FindingCode.TOO_MANY_OBJECTIVES, target="team",
        severity=SEVERITY[FindingCode.TOO_MANY_OBJECTIVES],
        message=f"{team} has {count} objectives in {cycle}; more than "
                f"{MAX_OBJECTIVES_PER_TEAM} means nothing is really a priority.",
        suggestion=f"Merge or drop objectives until {team} holds at most "
                   f"{MAX_OBJECTIVES_PER_TEAM} in {cycle}.")


# ---------------------------------------------------------------- score and entry points

_PENALTY_OBJECTIVE_OR_SET = 20
_PENALTY_KR = 15
_PENALTY_WARNING = 5
_BLOCKED_CAP = 69


def score_findings(findings: Sequence[Finding]) -> int:
    """Score 0-100 from the findings (formula in the module docstring)."""
    score = 100
    for f in findings:
        if f.severity is Severity.WARNING:
            score -= _PENALTY_WARNING
        elif f.target.startswith("kr:"):
            score -= _PENALTY_KR
        else:
            score -= _PENALTY_OBJECTIVE_OR_SET
    score = max(0, score)
    if any(f.severity is Severity.ERROR for f in findings):
        score = min(score, _BLOCKED_CAP)
    return score


def critique(okr: OKRInput, context: CritiqueContext | None = None) -> Critique:
    """Critique one OKR; `context` adds what only a whole file or store knows."""
    function = okr.team.function if okr.team else None
    team_name = okr.team.name if okr.team else None
    findings: list[Finding] = []
    if is_objective_vague(okr.objective):
        findings.append(_objective_finding(FindingCode.OBJECTIVE_VAGUE, okr.objective))
    elif is_objective_task(okr.objective):
        findings.append(_objective_finding(FindingCode.OBJECTIVE_IS_TASK, okr.objective))
    n = len(okr.key_results)
    if n < MIN_KRS:
        findings.append(_set_finding(FindingCode.TOO_FEW_KRS, n))
    elif n > MAX_KRS:
        findings.append(_set_finding(FindingCode.TOO_MANY_KRS, n))
    for i, kr in enumerate(okr.key_results):
        verdict = assess_kr(kr, function, team_name)
        findings.extend(_kr_finding(code, i, kr, verdict, function) for code in verdict.codes)
    if context is not None and (context.team_objectives or 0) > MAX_OBJECTIVES_PER_TEAM:
        findings.append(_team_finding(okr, context.team_objectives or 0))
    return Critique(id=okr.id, score=score_findings(findings),
                    publishable=not any(f.severity is Severity.ERROR for f in findings),
                    findings=findings)


def team_cycle_key(okr: OKRInput) -> tuple[str, str] | None:
    """The (team, cycle) an objective counts against, or None when either is unknown."""
    if okr.team is None or okr.cycle is None:
        return None
    return (" ".join(okr.team.name.lower().split()), okr.cycle.strip().lower())


def critique_many(okrs: Sequence[OKRInput]) -> list[Critique]:
    """Critique a whole file or store, in order, counting objectives per team and cycle."""
    counts = Counter(k for k in map(team_cycle_key, okrs) if k is not None)
    out: list[Critique] = []
    for okr in okrs:
        key = team_cycle_key(okr)
        ctx = CritiqueContext(team_objectives=counts[key] if key is not None else None)
        out.append(critique(okr, ctx))
    return out
