"""Understanding a drafting request: which team, which cycle, which parent, how many.

"draft next quarter's OKRs for Customer Success that support the company
retention objective" has to become a team id, a cycle (which may not exist
yet), the company objective to align to, and how many objectives are
wanted. The deterministic parser here reads that against the store's own
team, cycle and objective names (fuzzy, for typos), so it works with no
model; with a model, the extraction's strings go through the same resolvers.
When the team or the cycle cannot be resolved the result carries a
clarifying question instead of a guess.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field

from okr.demo import quarter_bounds
from okr.models import Cycle, Team
from tools.okr_reads import ParentOKR

__all__ = [
    "CycleRef",
    "DraftRequest",
    "Inputs",
    "RequestExtraction",
    "match_parent",
    "mentions_cycle",
    "next_quarter",
    "parse_count",
    "parse_cycle",
    "parse_focus",
    "resolve_team",
    "split_parent_clause",
    "understand",
]

_QUARTER_NAME = re.compile(r"^(\d{4})-Q([1-4])$")


class CycleRef(BaseModel):
    """The cycle a draft is for; `id` is None until a cycle that does not exist yet is written."""

    name: str
    start: date
    end: date
    id: str | None = None

    @property
    def write_id(self) -> str:
        """The id to write under: the stored one, else `c-<year>q<n>` for a quarter."""
        if self.id is not None:
            return self.id
        m = _QUARTER_NAME.match(self.name)
        return f"c-{m.group(1)}q{m.group(2)}" if m else "c-" + re.sub(r"\W+", "-",
                                                                      self.name.lower())


class DraftRequest(BaseModel):
    """What the drafter understood; `clarification` set means it stops and asks."""

    request: str
    team_id: str | None = None
    team_name: str | None = None
    team_function: str | None = None
    level: str = "team"
    cycle: CycleRef | None = None
    parent_id: str | None = None
    parent_title: str | None = None
    parent_requested: bool = False
    focus: str | None = None
    count: int | None = Field(default=None, ge=1, le=5)
    assumptions: list[str] = Field(default_factory=list)
    clarification: str | None = None


class RequestExtraction(BaseModel):
    """What the model is asked to pull out of the request (strings, resolved by code)."""

    team: str | None = Field(description="The team the OKRs are for, as written.")
    cycle: str | None = Field(description="The cycle, as written: 'next quarter', '2027-Q1'.")
    parent: str | None = Field(description="The objective or key result to support, as written.")
    focus: str | None = Field(description="A focus area named in the request, if any.")
    objectives: int | None = Field(description="How many objectives are wanted (1-5), if said.")


# ------------------------------------------------------------------ cycles


def _quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _shift(year: int, q: int, by: int) -> tuple[int, int]:
    index = year * 4 + (q - 1) + by
    return index // 4, index % 4 + 1


def _ref(year: int, q: int, cycles: Sequence[Cycle]) -> CycleRef:
    name = f"{year}-Q{q}"
    start, end = quarter_bounds(year, q)
    for c in cycles:
        if c.name == name:
            return CycleRef(name=c.name, start=c.start, end=c.end, id=c.id)
    return CycleRef(name=name, start=start, end=end)


def _current_quarter(current: Cycle | None, today: date) -> tuple[int, int]:
    if current is not None:
        m = _QUARTER_NAME.match(current.name)
        if m:
            return int(m.group(1)), int(m.group(2))
        return _quarter_of(current.start)
    return _quarter_of(today)


def next_quarter(current: Cycle | None, today: date, cycles: Sequence[Cycle]) -> CycleRef:
    """The quarter after the current cycle."""
    return _ref(*_shift(*_current_quarter(current, today), 1), cycles)


_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "a": 1, "an": 1,
                 "single": 1}
_CYCLE_HINT = re.compile(r"\b(?:quarter|q[1-9]|half|h[12]|fy\s?\d+|year|cycle|period)\b",
                         re.IGNORECASE)


def parse_cycle(text: str, cycles: Sequence[Cycle], current: Cycle | None,
                today: date) -> CycleRef | None:
    """The cycle a phrase names, relative to the current one; None when none can be read."""
    t = text.lower()
    for c in sorted(cycles, key=lambda c: len(c.name), reverse=True):
        if re.search(r"(?<![\w-])" + re.escape(c.name.lower()) + r"(?![\w-])", t):
            return CycleRef(name=c.name, start=c.start, end=c.end, id=c.id)
    m = re.search(r"\b(\d{4})\s*[-/ ]?\s*q([1-4])\b", t) or None
    if m:
        return _ref(int(m.group(1)), int(m.group(2)), cycles)
    m = re.search(r"\bq([1-4])\s*(?:of\s+)?(?:'|fy)?(\d{4}|\d{2})\b", t)
    if m:
        year = int(m.group(2)) if len(m.group(2)) == 4 else 2000 + int(m.group(2))
        return _ref(year, int(m.group(1)), cycles)
    year, q = _current_quarter(current, today)
    if re.search(r"\b(?:the\s+)?quarter\s+after\s+next\b", t):
        return _ref(*_shift(year, q, 2), cycles)
    if re.search(r"\bnext\s+quarter|\bcoming\s+quarter|\bupcoming\s+quarter", t):
        return _ref(*_shift(year, q, 1), cycles)
    if re.search(r"\b(?:this|current)\s+quarter\b", t):
        return _ref(year, q, cycles)
    m = re.search(r"\bq([1-4])\b", t)
    if m:
        wanted = int(m.group(1))
        return _ref(year if wanted >= q else year + 1, wanted, cycles)
    return None


def mentions_cycle(text: str) -> bool:
    """Whether the text seems to name a cycle at all (so failing to read it means asking)."""
    return bool(_CYCLE_HINT.search(text))


# ------------------------------------------------------------------ teams

_PARENT_CLAUSE = re.compile(
    r"(?<!for )(?<!for the )\b(?:that|which|to|and)?\s*"
    r"(?:supports?|supporting|backs?|backing|align(?:s|ed|ing)?\s+(?:to|with)|"
    r"contribut\w*\s+to|ladders?\s+up\s+to|rolls?\s+up\s+to|serves?|serving|feeds?\s+into)\b",
    re.IGNORECASE)


def split_parent_clause(text: str) -> tuple[str, str | None]:
    """The request before "that support(s) / back(s) / align to ..." and the clause after it."""
    m = _PARENT_CLAUSE.search(text)
    if not m:
        return text, None
    return text[:m.start()], text[m.end():].strip(" .") or None


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@dataclass(frozen=True)
class _Alias:
    words: tuple[str, ...]
    team: Team


def _aliases(teams: Sequence[Team], org_name: str | None) -> list[_Alias]:
    functions: dict[str, list[Team]] = {}
    for t in teams:
        if t.function:
            functions.setdefault(t.function, []).append(t)
    full_names = {t.name.lower() for t in teams}
    out: list[_Alias] = []
    for t in teams:
        names = {t.name}
        if "&" in t.name or " and " in t.name.lower():
            first = re.split(r"\s*(?:&|\band\b)\s*", t.name, flags=re.IGNORECASE)[0]
            if first.lower() not in full_names:
                names.add(first)
        if t.function and len(functions[t.function]) == 1:
            names.add(t.function.replace("_", " "))
        if t.parent_id is None:
            names |= {"company", "company-level", "company level", "leadership"}
            if org_name:
                names.add(org_name)
        for n in names:
            words = tuple(_words(n))
            if words:
                out.append(_Alias(words, t))
    return out


def _find(words: Sequence[str], alias: Sequence[str]) -> list[int]:
    n = len(alias)
    return [i for i in range(len(words) - n + 1) if tuple(words[i:i + n]) == tuple(alias)]


def resolve_team(text: str, teams: Sequence[Team],
                 org_name: str | None = None) -> tuple[Team | None, list[Team]]:
    """The team a phrase names: (team, []) when clear, (None, candidates) when ambiguous.

    Whole-word matches of a team's name, the part of it before "&", or its
    function (when only one team has it); a match right after "for" wins,
    then the longest; failing that, close spellings (difflib).
    """
    words = _words(text)
    aliases = _aliases(teams, org_name)
    found: list[tuple[int, int, int, Team]] = []
    for a in aliases:
        for i in _find(words, a.words):
            after_for = (i > 0 and words[i - 1] in ("for", "of")) or (
                i > 1 and words[i - 2] in ("for", "of") and words[i - 1] == "the")
            found.append((int(after_for), len(a.words), -i, a.team))
    if found:
        found.sort(key=lambda f: (f[0], f[1], f[2]), reverse=True)
        best = found[0]
        rivals = {f[3].id: f[3] for f in found
                  if (f[0], f[1], f[2]) == (best[0], best[1], best[2]) and f[3].id != best[3].id}
        if rivals:
            return None, [best[3], *rivals.values()]
        return best[3], []
    phrases = {" ".join(words[i:i + n]): None for n in (1, 2, 3)
               for i in range(len(words) - n + 1)}
    by_alias = {" ".join(a.words): a.team for a in aliases if len(" ".join(a.words)) >= 4}
    scored: list[tuple[int, float, Team]] = []
    for phrase in phrases:
        if len(phrase) < 4:
            continue
        for alias, hit in by_alias.items():
            ratio = difflib.SequenceMatcher(None, phrase, alias).ratio()
            if ratio >= 0.85:
                scored.append((len(alias.split()), round(ratio, 2), hit))
    if not scored:
        return None, []
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    top = [s[2] for s in scored if s[:2] == scored[0][:2]]
    unique = {t.id: t for t in top}
    if len(unique) == 1:
        return top[0], []
    return None, list(unique.values())


# ------------------------------------------------------------------ parents

_PARENT_STOP = {"the", "a", "an", "company", "companys", "goal", "goals", "objective",
                "objectives", "our", "on", "of", "okr", "okrs", "key", "result", "results",
                "kr", "to", "and", "s", "level", "top", "we", "have", "for", "in", "with",
                "this", "next", "quarter", "that", "it", "is", "be", "priority", "target"}
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "retention": ("retention", "churn", "keep", "customers"),
    "retain": ("retention", "churn", "keep", "customers"),
    "churn": ("churn", "retention", "keep"),
    "renewals": ("retention", "churn", "keep"),
    "growth": ("grow", "win", "arr", "mid"),
    "grow": ("grow", "win", "arr"),
    "revenue": ("arr", "revenue"),
    "nrr": ("net", "revenue", "retention"),
    "grr": ("gross", "revenue", "retention"),
    "sales": ("arr", "mid", "win"),
    "pipeline": ("pipeline", "arr"),
    "product": ("analytics", "tool", "active", "open"),
    "usage": ("active", "open", "every"),
    "engagement": ("active", "open"),
    "adoption": ("active", "open"),
    "security": ("trust", "soc", "security", "regulated"),
    "compliance": ("trust", "soc", "regulated"),
    "trust": ("trust", "regulated"),
    "hiring": ("people", "attrition", "team"),
    "talent": ("people", "attrition"),
    "employees": ("people", "employee"),
    "culture": ("people", "team", "employee"),
}


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word


def _keywords(text: str) -> set[str]:
    out: set[str] = set()
    for w in _words(text):
        if w in _PARENT_STOP or len(w) < 3:
            continue
        out.add(_stem(w))
        out.update(_stem(s) for s in _SYNONYMS.get(w, ()))
    return out


def match_parent(phrase: str, parents: Sequence[ParentOKR]) -> tuple[str, str] | None:
    """The (id, title) of the parent objective or key result a phrase names, if any matches.

    Objectives are scored by the phrase's keywords (with a few synonyms:
    "retention" ~ churn, keep) found in their title and key results; the
    phrase may also be an id or a title. A phrase that says "key result" or
    "KR" picks the best-matching key result of that objective.
    """
    text = phrase.strip()
    for p in parents:
        if text in (p.id, p.title):
            return p.id, p.title
        for k in p.key_results:
            if text == k.id:
                return k.id, k.text
    wanted = _keywords(text)
    if not wanted:
        return None
    best: tuple[int, ParentOKR] | None = None
    for p in parents:
        body = {_stem(w) for w in _words(" ".join([p.title, *(k.text for k in p.key_results)]))}
        score = len(wanted & body) * 2 + len(wanted & {_stem(w) for w in _words(p.title)})
        if score > 0 and (best is None or score > best[0]):
            best = (score, p)
    if best is None:
        return None
    parent = best[1]
    if re.search(r"\bkey\s+results?\b|\bkrs?\b", text, re.IGNORECASE) and parent.key_results:
        scored = [(len(wanted & {_stem(w) for w in _words(k.text)}), k)
                  for k in parent.key_results]
        top = max(scored, key=lambda s: s[0])
        if top[0] > 0:
            return top[1].id, top[1].text
    return parent.id, parent.title


# ------------------------------------------------------------------ count and focus


def parse_count(text: str) -> int | None:
    """How many objectives the request asks for ("two objectives", "3 objectives")."""
    m = re.search(r"\b(one|two|three|four|five|a|an|single|[1-9])\s+(?:[\w-]+\s+)?"
                  r"objectives?\b", text, re.IGNORECASE)
    if not m:
        return None
    raw = m.group(1).lower()
    n = int(raw) if raw.isdigit() else _WORD_NUMBERS[raw]
    return max(1, min(5, n))


def parse_focus(text: str) -> str | None:
    """A focus the request names ("focus on onboarding", "with an emphasis on ...")."""
    m = re.search(r"\b(?:focus(?:ed|ing)?\s+on|emphasis\s+on|prioriti[sz]ing|around)\s+"
                  r"(.+?)(?:$|[.;,]|\bthat\b|\band\s+support)", text, re.IGNORECASE)
    return m.group(1).strip() if m else None


# ------------------------------------------------------------------ the whole request


@dataclass(frozen=True)
class Inputs:
    """What the understanding step reads the request against (all from the store)."""

    teams: Sequence[Team]
    cycles: Sequence[Cycle]
    current: Cycle | None
    today: date
    org_name: str | None
    parents: Sequence[ParentOKR]


def _team_question(candidates: Sequence[Team], teams: Sequence[Team]) -> str:
    if candidates:
        names = " or ".join(t.name for t in candidates)
        return f"Which team are these OKRs for: {names}?"
    known = ", ".join(t.name for t in teams if t.function) or ", ".join(t.name for t in teams)
    return f"Which team are these OKRs for? Known teams: {known}."


def understand(request: str, inputs: Inputs, *, team: str | None = None,
               cycle: str | None = None, parent: str | None = None,
               extraction: RequestExtraction | None = None,
               level: str | None = None) -> DraftRequest:
    """Read a request (with explicit options, and a model's extraction when there is one).

    Options win over the text; the extraction's strings win over the
    deterministic reading of the text, and the text is the fallback for
    anything they leave unresolved. No cycle named at all means the next
    quarter (said in `assumptions`); a team or cycle named but not found
    means a clarifying question.
    """
    main, clause = split_parent_clause(request)
    out = DraftRequest(request=request)
    ex = extraction

    found: Team | None = None
    candidates: list[Team] = []
    for phrase in (team, ex.team if ex else None, main, request):
        if not phrase:
            continue
        found, candidates = resolve_team(phrase, inputs.teams, inputs.org_name)
        if found is not None or candidates or phrase is team:
            break
    if level == "company":
        roots = [t for t in inputs.teams if t.parent_id is None]
        found = roots[0] if roots else found
    if found is None:
        out.clarification = _team_question(candidates, inputs.teams)
        return out
    out.team_id, out.team_name, out.team_function = found.id, found.name, found.function
    out.level = "company" if found.parent_id is None else "team"

    ref: CycleRef | None = None
    named = False
    for phrase in (cycle, ex.cycle if ex else None, main):
        if not phrase:
            continue
        named = named or phrase is cycle or mentions_cycle(phrase) or bool(
            re.search(r"\d{4}", phrase))
        ref = parse_cycle(phrase, inputs.cycles, inputs.current, inputs.today)
        if ref is not None or phrase is cycle:
            break
    if ref is None and named:
        out.clarification = ("Which cycle are these OKRs for (for example 'next quarter' or "
                             "'2027-Q1')?")
        return out
    if ref is None:
        ref = next_quarter(inputs.current, inputs.today, inputs.cycles)
        out.assumptions.append(f"no cycle named: drafting for the next quarter, {ref.name}")
    out.cycle = ref

    phrase = parent or (ex.parent if ex and ex.parent else None) or clause
    if phrase:
        out.parent_requested = True
        hit = match_parent(phrase, inputs.parents)
        if hit is None and parent is None and ex is not None and ex.parent and clause:
            hit = match_parent(clause, inputs.parents)
        if hit is None:
            out.assumptions.append(f"could not match {phrase!r} to a company objective; "
                                   "drafts keep the alignment of the team's current objectives")
        else:
            out.parent_id, out.parent_title = hit
    out.count = (ex.objectives if ex and ex.objectives and 1 <= ex.objectives <= 5
                 else parse_count(main))
    out.focus = (ex.focus if ex and ex.focus else None) or parse_focus(main)
    return out
