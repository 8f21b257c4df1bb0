"""Read the numbers out of a key result written in plain words.

People write the same key result a dozen ways ("MQLs from 300 to 500",
"42 → 60", "Y (baseline X)", "cut by 30% (40 to 28 h)", "to 4.2/5",
"Increase signups by 20%"). The quality rules need to know which of baseline,
target and relative change a key result states, so this module turns the text
into a `ParsedKR`. Dates and deadlines ("by March", "in Q3", "2026") and
numbers that only qualify the metric ("within 30 days", "p95", "Year 9",
"12-month", group ranges such as "grades 3–5" or "18–34 subscribers", time
thresholds that define what is counted such as "overdue by more than 30 days")
are not read as baseline or target; values on a named scale ("from Beaufort 5
to Beaufort 3") are; fraction words ("cut by a third", "grow by half") are
relative changes like "by 20%".

Pure regular expressions, no model: fast, deterministic and explainable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from okr.models import Direction

__all__ = ["ParsedKR", "Quantity", "format_quantity", "parse_kr", "parse_quantity",
           "strip_bullet"]


@dataclass(frozen=True)
class Quantity:
    """One number with what was written around it ("$1.2M", "340ms", "4.2/5")."""

    value: float
    unit: str | None
    raw: str


@dataclass(frozen=True)
class ParsedKR:
    """What a key result's text states: metric words, baseline, target, change.

    `relative_change` is a signed amount ("by 20%" -> 20.0 with
    `relative_unit` "%"; "down 10 points" -> -10.0 with "points") given
    without a starting value. `has_numbers` says whether any metric number at
    all was found (dates and qualifiers excluded).
    """

    text: str
    metric: str
    baseline: Quantity | None = None
    target: Quantity | None = None
    unit: str | None = None
    direction: Direction | None = None
    relative_change: float | None = None
    relative_unit: str | None = None
    has_numbers: bool = False


_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6,
         "b": 1e9, "bn": 1e9, "billion": 1e9}
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "usd": "USD", "eur": "EUR",
             "gbp": "GBP", "chf": "CHF", "inr": "INR", "₹": "INR"}

_UNIT_WORDS = (
    r"%|percent\b|pp\b|percentage points?\b|points?\b|pts\b|bps\b|x(?![a-z])|ppm\b|"
    r"ms\b|milliseconds?\b|s\b|secs?\b|seconds?\b|mins?\b|minutes?\b|h\b|hrs?\b|hours?\b|"
    r"business days?\b|working days?\b|days?\b|weeks?\b|months?\b|years?\b|"
    r"kb\b|mb\b|gb\b|tb\b|km\b|kg\b|tonnes?\b|t\b|kwh\b|mwh\b|"
    r"[★☆⭐✭✩]|stars?\b|°\s?[cf]\b|°|‰|"
    r"/\s?\d+(?:\.\d+)?(?![\d/])|out of \d+\b|:\s?1\b|/\s?(?:month|week|day|year|quarter)\b"
)
_Q = (
    r"(?<![\w.@/:-])(?P<{n}sg>[+−-](?=[$€£¥₹\d.]))?"
    r"(?P<{n}cur>[$€£¥₹]|usd\b|eur\b|gbp\b|chf\b|inr\b)?\s?"
    r"(?P<{n}num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?![\d]|[.,]\d|-[a-z])(?:\s?(?P<{n}mult>k|thousand|mn|million|bn|billion|m|b)(?![a-z]))?"
    r"(?:\s?(?P<{n}unit>" + _UNIT_WORDS + r"))?"
    r"(?:\s?(?P<{n}cur2>(?:usd|eur|gbp|chf|inr)\b|[$€£¥₹](?!\s?\d)))?"
)


def _q(name: str) -> str:
    return _Q.format(n=name)


_ONE_Q = re.compile(_q("a"), re.I)
_ARROWS = re.compile(r"\s*(?:-{1,2}>|=>|→|⟶|➝|➔|—>|–>)\s*")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE_PATTERNS = [
    re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    re.compile(r"\b\d{4}-(?:q[1-4]|h[12]|s[12]|\d{2})\b", re.I),
    re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    re.compile(r"\b(?:by|before|until|till|in|on|during|through|after|from|of|end of|"
               r"start of|mid)\s+(?:the\s+)?(?:end\s+of\s+|start\s+of\s+|mid-?)?" + _MONTH
               + r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+'?\d{2,4})?\b", re.I),
    re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r"(?:,?\s+\d{4})?\b", re.I),
    re.compile(r"\b(?:Jan(?:uary)?|Feb(?:ruary)?|March|April|June|July|Aug(?:ust)?|"
               r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
               r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?\b"),
    re.compile(r"\b(?:(?:by|in|during|before|until|for|end of|by end of)\s+)?"
               r"(?:fy\s?'?\d{2,4}\s*)?(?:q[1-4]|h[12])(?:\s*(?:fy)?\s*'?\d{2,4})?\b", re.I),
    re.compile(r"\bfy\s?'?\d{2,4}\b", re.I),
    re.compile(r"\b(?:by|in|since|until|till|before|after|of|for|during|through|end of|"
               r"year|cy|ay)\s+(?:the\s+)?(?:19|20)\d{2}(?:[/-]\d{2,4})?\b(?!\s*%)", re.I),
    re.compile(r"\((?:19|20)\d{2}\)"),
]

#: Numbers that qualify the metric rather than measure it ("within 30 days",
#: "per 1,000 bed-days", "top 10", "3+ months", "at least one book a month").
_TIME_WORD = (r"(?:s|ms|sec|secs|seconds?|mins?|minutes?|h|hrs?|hours?|d|days?|business days?|"
              r"working days?|weeks?|months?|years?|quarters?|sessions?|visits?|calls?)\b")
_QUALIFIERS = re.compile(
    r"\b(?:(?:within|in|over the|in the|after|last|past|next|for|aged|age|older than|"
    r"younger than|under|before)\s+(?:the\s+)?(?:first\s+|last\s+)?\d[\d,.]*\+?\s*"
    + _TIME_WORD + r"|(?:per|every|each|top|first|bottom)\s+\d[\d,.]*\+?\s*"
    r"(?:[a-z]+(?:-[a-z]+)?)?)", re.I)
#: A time threshold that defines who or what is counted ("overdue by more than
#: 30 days", "open longer than 6 months", "in care for more than 21 days"):
#: after a waiting or lateness word, or a duration "for", it is never the target.
_THRESHOLD = re.compile(
    r"\b(?:(?:overdue|late|delayed|open|outstanding|unpaid|unresolved|pending|waiting|"
    r"waited|queu(?:e)?ing|idle|inactive|dormant|stale|older|aged|stuck|unanswered|"
    r"unbilled|vacant|empty|lapsed|absent|undetected|unreviewed|untouched|behind|"
    r"in\s+arrears|past\s+due)(?!\s+(?:times?|periods?|durations?)\b)(?:\s+[\w-]+){0,3}?\s+(?:(?:by\s+)?(?:more|longer|less|"
    r"shorter)\s+than|over|older\s+than|past|beyond)"
    r"|\bfor\s+(?:more\s+than|longer\s+than|over))\s+\d[\d,.]*\+?\s*" + _TIME_WORD, re.I)
_ATTACHED = re.compile(r"(?:[a-z@#-]\d[\d.]*|\d[\d.]*\+|\d+-[a-z]+|\d+(?:st|nd|rd|th)\b)", re.I)

_FROM_TO = re.compile(
    r"\bfrom\s+" + _q("b") + r"(?:\s+(?!to\b)[a-z/.,-]+){0,4}?\s*(?:to|→|–|-)\s*"
    r"(?:(?:just|only|about|around|under|below|over|above|at least|at most)\s+)?" + _q("t"),
    re.I)
_ARROW = re.compile(_q("b") + r"(?:\s+(?!to\b)[a-z/.,-]+){0,3}?\s*→\s*" + _q("t"), re.I)
_BARE_TO = re.compile(_q("b") + r"(?:\s+[a-z/]+){0,2}?\s+to\s+" + _q("t"), re.I)
_BASELINE_PAREN = re.compile(
    r"\(\s*(?:baseline|currently|current|today|now|was|from|vs\.?|versus|base|starting"
    r"(?: at| point)?|last (?:quarter|year|cycle))\s*(?:is|of|at|:|=)?\s*" + _q("b")
    + r"[^)]*\)", re.I)
_BASELINE_WORD = re.compile(
    r"(?:\bbaseline|\bcurrently|\bcurrent(?: value| level)?|\btoday|\bup from|\bdown from|"
    r"\bstarting (?:from|at)|\bfrom)\s*(?:is|of|at|:|=)?\s*" + _q("b"), re.I)
_BASELINE_AFTER = re.compile(_q("b") + r"\s+(?:today|now|currently|at baseline)\b", re.I)
_TARGET = re.compile(
    r"(?:\bto|\breach(?:es|ing)?|\bhit|\bachieve|\battain|\bat least|\bat most|\bminimum(?: of)?|"
    r"\bmaximum(?: of)?|\b(?:no )?(?:more|less|fewer) than|\bbelow|\bunder|\babove|\bover|"
    r"\bbeyond|\bexceed(?:ing)?|\bsustain|\bmaintain|\bkeep(?: it)? (?:at|above|below|under)|"
    r"\btarget(?: of)?:?|\bgoal(?: of)?:?|≥|≤|>=|<=|>|<)\s*" + _q("t"), re.I)
_RELATIVE = re.compile(
    r"(?:\bby|\bup|\bdown|\bgrow(?:th)?|\bincrease|\breduce|\breduction(?: of)?|\bcut|\blift|"
    r"\bdrop|\bdecrease|\bimprove|\braise|\blower|\bboost|\bshrink)\s+(?:by\s+)?"
    r"(?P<sign>[+-])?\s?(?P<num>\d+(?:\.\d+)?)\s*"
    r"(?P<ru>%|percent\b|pp\b|percentage points?\b|points?\b|pts\b|bps\b|x\b)", re.I)
_SIGNED = re.compile(
    r"(?<![\w.])(?P<sign>[+-])\s?(?P<num>\d+(?:\.\d+)?)\s*"
    r"(?P<ru>%|pp\b|percentage points?\b|points?\b|pts\b)", re.I)
_MULTIPLE = re.compile(r"\b(?P<word>double|triple|quadruple|halve|2x|3x|5x|10x)(?:d|s)?\b|"
                       r"\b(?P<half>(?:cut|reduce[d]?)\s+(?:[\w-]+\s+){0,4}?in\s+half)\b", re.I)
#: A change written as a fraction ("cut by a third", "grow by half", "by two
#: thirds"): a relative target, read as a factor once the direction is known.
_FRACTION = re.compile(
    r"\bby\s+(?:(?P<n>a|one|two|three)\s+)?(?P<d>half|thirds?|quarters?|fifths?|tenths?)\b",
    re.I)
#: A value read on a named scale ("from Beaufort 5 to Beaufort 3", "from
#: level 2 to 4", "Stage 3 → Stage 1"): the scale word sits between the marker
#: and each number, so it is moved in front to leave a plain from-to. Without
#: "from" or an arrow the scale word must repeat, as "tier 1–2" names a group.
_SCALE_WORD = (r"beaufort|richter|likert|defcon|grade|level|band|tier|stage|category|cat|"
               r"phase|step|class|force")
_SCALE_NUM = r"\d+(?:\.\d+)?"
_SCALE_FROM_TO = re.compile(
    r"\b(?:from\s+(?P<s>" + _SCALE_WORD + r")\s+(?P<b>" + _SCALE_NUM
    + r")\s*(?:to|→|[–—-])\s*(?:(?:" + _SCALE_WORD + r")\s+)?"
    r"|(?P<s2>" + _SCALE_WORD + r")\s+(?P<b2>" + _SCALE_NUM + r")\s*(?:→\s*(?:(?:"
    + _SCALE_WORD + r")\s+)?|to\s+(?P=s2)\s+))(?P<t>" + _SCALE_NUM + r")\b(?![.,]?\d|\s*%)",
    re.I)
_FRACTIONS = {"half": 2.0, "third": 3.0, "thirds": 3.0, "quarter": 4.0, "quarters": 4.0,
              "fifth": 5.0, "fifths": 5.0, "tenth": 10.0, "tenths": 10.0}
_NUMERATORS = {None: 1.0, "a": 1.0, "one": 1.0, "two": 2.0, "three": 3.0}
#: A range that names a group rather than a change ("grades 3–5", "aged 18-34",
#: "tier 1–2", "18–34 subscribers"): after a group word, or before a noun.
_GROUP_RANGE = re.compile(
    r"(?:\b(?:grades?|years?|ages?|aged|tiers?|levels?|bands?|classes|stages?|key\s+stages?|"
    r"phases?|sizes?|floors?|zones?|wards?|rows?|categor(?:y|ies)|p|priority|sev(?:erity)?)"
    r"\s*\d+\s*(?:[–—-]|to)\s*\d+\b"
    r"|(?<![\w.$€£¥₹,])(?<!from )\d+\s?[–—]\s?\d+(?=\s+(?!(?:by|in|this|next|over|within|for|"
    r"per|on|at|and|or|to|from|points?|pts|pp|percent|[a-z]*s?econds?|mins?|minutes?|hours?|"
    r"days?|weeks?|months?|years?|[kmb]|bn|mn|million|billion|thousand)\b)[a-z]))", re.I)

_INCREASE_WORDS = re.compile(
    r"\b(?:increase[sd]?|grow(?:s|th)?|raise[sd]?|up|boost|lift|improve|expand|more|higher|"
    r"reach|hit|achieve|double|triple|at least|above|over|exceed|gain|accelerate)\b", re.I)
_DECREASE_WORDS = re.compile(
    r"\b(?:reduce[sd]?|reduction|cut|decrease[sd]?|lower|down|drop|below|under|less|fewer|"
    r"shrink|halve|eliminate|minimi[sz]e|at most|no more than|shorten)\b", re.I)
_TRACKING = re.compile(r"^\s*(?:track|monitor|measure|report|watch|observe)\b", re.I)


def _to_quantity(m: re.Match[str], n: str) -> Quantity:
    cur = m.group(f"{n}cur") or m.group(f"{n}cur2")
    value = float(m.group(f"{n}num").replace(",", ""))
    mult = m.group(f"{n}mult")
    if mult:
        value *= _MULT[mult.lower()]
    if m.group(f"{n}sg") in {"-", "−"}:
        value = -value
    unit_raw = m.group(f"{n}unit")
    unit: str | None
    if cur:
        unit = _CURRENCY[cur.lower()]
    elif unit_raw:
        unit = _normalise_unit(unit_raw)
    else:
        unit = None
    first = next(g for g in (f"{n}sg", f"{n}cur", f"{n}num") if m.group(g))
    start, end = m.span(first)[0], m.span(f"{n}num")[1]
    end = max([end, *(m.span(g)[1] for g in (f"{n}mult", f"{n}unit", f"{n}cur2")
                      if m.group(g))])
    return Quantity(value=value, unit=unit, raw=m.string[start:end].strip())


def _normalise_unit(raw: str) -> str:
    u = re.sub(r"\s+", " ", raw.strip().lower())
    if u in {"%", "percent"}:
        return "%"
    if u in {"pp", "percentage point", "percentage points"}:
        return "pp"
    if u in {"point", "points", "pts"}:
        return "points"
    if u in {"ms", "millisecond", "milliseconds"}:
        return "ms"
    if u in {"s", "sec", "secs", "second", "seconds"}:
        return "s"
    if u in {"min", "mins", "minute", "minutes"}:
        return "min"
    if u in {"h", "hr", "hrs", "hour", "hours"}:
        return "h"
    if u.startswith("/") and u[1:].strip().replace(".", "").isdigit():
        return "/" + u[1:].strip()
    if u.startswith("out of"):
        return "/" + u.split()[-1]
    if u.startswith(":"):
        return ":1"
    if u in _STAR_UNITS:
        return "★"
    if u.startswith("°"):
        return u.replace(" ", "")
    return u.rstrip("s") if u.endswith(("days", "weeks", "months", "years", "tonnes")) else u


def parse_quantity(text: str) -> Quantity | None:
    """The first number in `text` with its unit ("$1.2M" -> 1200000.0 USD), or None."""
    m = _ONE_Q.search(_normalise(text))
    return _to_quantity(m, "a") if m else None


def format_quantity(q: Quantity | float | None, unit: str | None = None) -> str:
    """Write a quantity back for a person: its raw text, or the value with its unit."""
    if q is None:
        return "?"
    if isinstance(q, Quantity):
        return q.raw
    text = f"{q:g}"
    if unit in {"USD", "EUR", "GBP"}:
        return {"USD": "$", "EUR": "€", "GBP": "£"}[unit] + text
    if unit == "%":
        return text + "%"
    return f"{text} {unit}" if unit else text


def decimals_of(value: float, most: int = 4) -> int:
    """How many decimals `value` is written with (at most `most`): 42 -> 0, 4.25 -> 2."""
    text = f"{abs(value):.{most}f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def format_value(value: float | None, unit: str | None = "", places: int | None = None) -> str:
    """A key result's number as people write it: `$1.2M`, `67.9%`, `18.9 days`, `1,850`.

    `places` fixes the decimals; by default the value's own, at most two.
    A missing value is `?`.
    """
    if value is None:
        return "?"
    digits = min(2, decimals_of(value)) if places is None else places
    number = f"{value:,.{digits}f}"
    if unit == "$M":
        return f"${number}M"
    if unit == "$":
        return f"${number}"
    if unit in ("%", "x", "h", "s"):
        return f"{number}{unit}"
    return f"{number} {unit}" if unit else number


_STAR_UNITS = {"★", "☆", "⭐", "✭", "✩", "star", "stars"}
#: A list marker or key-result label at the start ("• ", "- ", "* ", "– ",
#: "1) ", "KR2: "): layout, not words of the key result.
_BULLET = re.compile(
    r"^\s*(?:[•·▪◦‣∙●○■□►▶➤✓✔]\s*|[*–—-]\s+|\d{1,2}[.)]\s+(?=[^\d\s])|"
    r"kr\s?\d{1,2}\s*[:.)–—-]\s*)", re.I)
#: A decimal comma ("4,1", "98,2%"): one or two digits after the comma, not a
#: thousands group ("1,200") and not part of a list of numbers ("3,4,5").
_DECIMAL_COMMA = re.compile(r"(?<![\d.,])(\d+),(\d{1,2})(?![\d]|[.,]\d)")


def strip_bullet(text: str) -> str:
    """The text without a leading list marker or "KR1:" label."""
    return _BULLET.sub("", text, count=1)


def _normalise(text: str) -> str:
    t = strip_bullet(text)
    t = t.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    t = _DECIMAL_COMMA.sub(r"\1.\2", t)
    t = _ARROWS.sub(" → ", t)
    return re.sub(r"\b(?:zero|nil)\b", "0", t, flags=re.I)


def _strip_dates(text: str) -> str:
    for pat in _DATE_PATTERNS:
        text = pat.sub(" ", text)
    return text


_SCALE = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "day": 86400.0,
          "business day": 86400.0, "working day": 86400.0, "week": 604800.0,
          "month": 2629800.0, "year": 31557600.0, "kb": 1e3, "mb": 1e6, "gb": 1e9,
          "tb": 1e12}


def _comparable(q: Quantity, other: Quantity) -> float:
    unit = q.unit or other.unit
    return q.value * _SCALE.get(unit or "", 1.0)


def _looks_like_year(q: Quantity) -> bool:
    return q.unit is None and q.value.is_integer() and 1990 <= q.value <= 2100 and (
        "," not in q.raw)


def _direction_of(baseline: Quantity | None, target: Quantity | None, text: str,
                  relative: float | None, relative_unit: str | None) -> Direction | None:
    if baseline is not None and target is not None:
        b, t = _comparable(baseline, target), _comparable(target, baseline)
        if b != t:
            return Direction.INCREASE if t > b else Direction.DECREASE
    if relative is not None and relative != 0:
        pivot = 1.0 if relative_unit == "x" else 0.0
        return Direction.INCREASE if relative > pivot else Direction.DECREASE
    inc = _INCREASE_WORDS.search(text)
    dec = _DECREASE_WORDS.search(text)
    if inc and dec:
        return Direction.INCREASE if inc.start() < dec.start() else Direction.DECREASE
    if inc:
        return Direction.INCREASE
    if dec:
        return Direction.DECREASE
    return None


def _metric_words(text: str, spans: list[tuple[int, int]]) -> str:
    out = text
    for start, end in sorted(spans, reverse=True):
        out = out[:start] + " " + out[end:]
    out = re.sub(r"\((?:\s|[,;:])*\)", " ", out)
    out = re.sub(r"\s+", " ", out).strip(" :;,.-–→")
    return out or text.strip()


def _plain_scale_pair(m: re.Match[str]) -> str:
    scale = m.group("s") or m.group("s2")
    return f"{scale} from {m.group('b') or m.group('b2')} to {m.group('t')}"


def _bare_quantities(text: str) -> list[re.Match[str]]:
    cleaned = _QUALIFIERS.sub(lambda m: " " * len(m.group(0)), text)
    cleaned = _ATTACHED.sub(lambda m: " " * len(m.group(0)), cleaned)
    return list(_ONE_Q.finditer(cleaned))


def parse_kr(text: str) -> ParsedKR:
    """Parse one key result's text into metric words, baseline, target and change.

    Explicit forms win over loose ones: from-to and arrows, then a stated
    baseline ("(baseline X)", "currently X"), a target ("to X", "at least X",
    "below X"), a relative change ("by 20%", "+25%", "double"), and last any
    bare number (a target, or a baseline after "track"/"monitor").
    """
    norm = _normalise(text)
    work = _SCALE_FROM_TO.sub(_plain_scale_pair, _strip_dates(norm))
    work = _THRESHOLD.sub(lambda m: " " * len(m.group(0)), work)
    if any(c in work for c in "–—-") or " to " in work:
        work = _GROUP_RANGE.sub(lambda m: " " * len(m.group(0)), work)
    baseline: Quantity | None = None
    target: Quantity | None = None
    spans: list[tuple[int, int]] = []
    relative: float | None = None
    relative_unit: str | None = None

    pair = _find_pair(work)
    if pair is not None:
        baseline, target, span = pair
        spans.append(span)
    if baseline is None:
        for pattern in (_BASELINE_PAREN, _BASELINE_AFTER, _BASELINE_WORD):
            m = pattern.search(work)
            if m:
                baseline = _to_quantity(m, "b")
                spans.append(m.span())
                break
    rel = _RELATIVE.search(work) or _SIGNED.search(work)
    if rel:
        sign = -1.0 if rel.group("sign") == "-" else 1.0
        relative = sign * float(rel.group("num"))
        relative_unit = _normalise_unit(rel.group("ru"))
        if relative_unit == "x":
            relative_unit = "x"
        elif _DECREASE_WORDS.search(work[: rel.start() + 12]) and sign > 0:
            relative = -relative
        spans.append(rel.span())
    elif (frac := _FRACTION.search(work)) and target is None:
        share = _NUMERATORS[(frac.group("n") or "").lower() or None] / _FRACTIONS[
            frac.group("d").lower()]
        down = _DECREASE_WORDS.search(work[: frac.start()]) is not None
        relative, relative_unit = (1.0 - share if down else 1.0 + share), "x"
        spans.append(frac.span())
    else:
        mult = _MULTIPLE.search(work)
        if mult and target is None:
            word = (mult.group("word") or "halve").lower()
            factor = {"double": 2.0, "triple": 3.0, "quadruple": 4.0, "halve": 0.5}.get(
                word, float(word.rstrip("x")) if word.endswith("x") else 1.0)
            relative, relative_unit = factor, "x"
            spans.append(mult.span())
    if target is None:
        masked = _mask(work, spans)
        m = _TARGET.search(masked)
        if m:
            target = _to_quantity(m, "t")
            spans.append(m.span())
    if target is None and relative is None:
        bare = [m for m in _bare_quantities(_mask(work, spans))
                if not _looks_like_year(_to_quantity(m, "a"))]
        if bare:
            q = _to_quantity(bare[-1], "a")
            if baseline is None and _TRACKING.search(work):
                baseline = q
            else:
                target = q
            spans.append(bare[-1].span())
    has_numbers = baseline is not None or target is not None or relative is not None
    unit = (target.unit if target and target.unit else None) or (
        baseline.unit if baseline and baseline.unit else None)
    direction = _direction_of(baseline, target, work, relative, relative_unit)
    return ParsedKR(
        text=text, metric=_metric_words(work, spans), baseline=baseline, target=target,
        unit=unit, direction=direction, relative_change=relative,
        relative_unit=relative_unit, has_numbers=has_numbers)


_QUALIFIER_BEFORE = re.compile(
    r"\b(?:within|in|per|every|each|after|last|first|top|for|over|under|than|between|"
    r"aged)\s*$", re.I)


_TIME_UNITS = {"ms", "s", "min", "h", "day", "business day", "working day", "week", "month",
               "year"}
_DATA_UNITS = {"kb", "mb", "gb", "tb"}


def _compatible(a: Quantity, b: Quantity) -> bool:
    """Same unit, a missing one, or two units of one kind ("3 days -> 4 hours")."""
    if a.unit is None or b.unit is None or a.unit == b.unit:
        return True
    return any(a.unit in family and b.unit in family for family in (_TIME_UNITS, _DATA_UNITS))


def _find_pair(work: str) -> tuple[Quantity, Quantity, tuple[int, int]] | None:
    """The first baseline-to-target pair: "from X to Y", "X → Y", or a loose "X to Y".

    A loose pair must have compatible units and must not start on a qualifier
    ("seen within 4 hours to 95%" states a target only).
    """
    for pattern in (_FROM_TO, _ARROW, _BARE_TO):
        for m in pattern.finditer(work):
            b, t = _to_quantity(m, "b"), _to_quantity(m, "t")
            if pattern is not _FROM_TO and (
                    not _compatible(b, t) or _QUALIFIER_BEFORE.search(work[: m.start()])):
                continue
            return b, t, m.span()
    return None


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    out = text
    for start, end in spans:
        out = out[:start] + " " * (end - start) + out[end:]
    return out
