"""The number check: every number a review's narrative states must be one of its facts.

A model writing a business review will happily round 0.62 to "about 60%" or
invent "three teams". `check` reads every number in the text (with
`okr.review_facts.number_tokens`, the same reader that reads the facts'
display forms) and reports the ones that are not a display form of some fact.

Allowed besides the facts, because they name things rather than measure them:
- ISO dates (`2026-12-04`), which the reader skips;
- digits inside identifiers and words (`Q4`, `kr-2026q4-1-2`, `OKR2`);
- ordinals (`1st`, `3rd`);
- the years of the organisation's cycles and the digits of cycle names
  (`ReviewFacts.identity`, e.g. "2026" and "4" for 2026-Q4).

Rounding is strict: when the fact is shown as "0.62" or "62%", then "0.6",
"60%" and "0.620" (which reads as 0.62, and is accepted) are judged as
written; only the forms the facts list pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from okr.review_facts import ReviewFacts, number_tokens

__all__ = ["Verdict", "check", "check_tokens"]


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: the numbers found and those that are not facts."""

    numbers: tuple[str, ...]
    unsupported: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.unsupported


def check_tokens(text: str, allowed: Iterable[str]) -> Verdict:
    """Check `text` against an explicit set of allowed number tokens."""
    allowed_set = frozenset(allowed)
    found = number_tokens(text)
    bad = tuple(dict.fromkeys(n for n in found if n not in allowed_set))
    return Verdict(tuple(found), bad)


def check(text: str, facts: ReviewFacts, fact_ids: Iterable[str] | None = None) -> Verdict:
    """Every number in `text` that is not a display form of one of `facts` (nor identity).

    With `fact_ids` only those facts count: a section is checked against the
    facts it was written from, so a number that happens to equal some
    unrelated fact elsewhere in the review does not slip through.
    """
    return check_tokens(text, facts.allowed_tokens(fact_ids))
