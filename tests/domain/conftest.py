"""Fixtures of the domain tests: the demo organisation and a small hand-built one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from okr.demo import build_demo_org
from okr.models import (
    AlignmentLink,
    CheckIn,
    Cycle,
    KeyResult,
    Level,
    Objective,
    ObjectiveState,
    Organisation,
    OrgSnapshot,
    Team,
)

#: The date the demo is built for in these tests: 64 days into 2026-Q4.
DEMO_TODAY = date(2026, 12, 4)


@pytest.fixture(scope="session")
def demo() -> OrgSnapshot:
    return build_demo_org("demo", DEMO_TODAY)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


def kr(kr_id: str, objective_id: str, *check_ins: tuple[date, float],
       baseline: float = 0, target: float = 10) -> KeyResult:
    """A metric key result from `baseline` to `target` with check-ins (day, value)."""
    return KeyResult(kr_id, "acme", objective_id, kr_id, baseline=baseline, target=target,
                     check_ins=tuple(CheckIn(kr_id, _at(d), v) for d, v in check_ins))


@pytest.fixture
def small() -> OrgSnapshot:
    """Four teams, a 30-day cycle judged on 2026-04-30, with answers worked out by hand.

    - Teams: company (parent of a, b, c, d); a, b, c, d are the working teams.
    - Company objectives: o-c1 (supported by a and b), o-c2 (supported by nobody).
    - Team a: o-a (KRs a1 checked in 04-28 at 5/10, a2 checked in 04-10 at 10/10).
    - Team b: o-b aligned through its KR b1 to company KR c1-1; b1 never checked in.
    - Team c: o-c unaligned, published, KR c-1 checked in 04-23 (7 days ago) at 2/10.
    - Team d: only a draft objective, so it has not adopted OKRs.
    """
    apr = lambda d: date(2026, 4, d)  # noqa: E731
    objectives = (
        Objective("o-c1", "acme", "c-1", "Company one", "t-co", Level.COMPANY,
                  state=ObjectiveState.PUBLISHED,
                  key_results=(kr("c1-1", "o-c1", (apr(29), 4.0)),)),
        Objective("o-c2", "acme", "c-1", "Company two", "t-co", Level.COMPANY,
                  state=ObjectiveState.PUBLISHED,
                  key_results=(kr("c2-1", "o-c2", (apr(29), 8.0)),)),
        Objective("o-a", "acme", "c-1", "Team a", "t-a", state=ObjectiveState.PUBLISHED,
                  key_results=(kr("a1", "o-a", (apr(20), 2.0), (apr(28), 5.0)),
                               kr("a2", "o-a", (apr(10), 10.0)))),
        Objective("o-b", "acme", "c-1", "Team b", "t-b", state=ObjectiveState.PUBLISHED,
                  key_results=(kr("b1", "o-b"),)),
        Objective("o-c", "acme", "c-1", "Team c", "t-c", state=ObjectiveState.PUBLISHED,
                  key_results=(kr("c-1", "o-c", (apr(23), 2.0)),)),
        Objective("o-d", "acme", "c-1", "Team d draft", "t-d", state=ObjectiveState.DRAFT,
                  key_results=(kr("d1", "o-d"),)),
    )
    return OrgSnapshot(
        organisation=Organisation("acme", "Acme"),
        teams=(Team("t-co", "acme", "Acme"),
               *(Team(f"t-{x}", "acme", x.upper(), "t-co") for x in "abcd")),
        cycles=(Cycle("c-1", "acme", "2026-04", date(2026, 4, 1), date(2026, 4, 30)),),
        objectives=objectives,
        alignments=(AlignmentLink("acme", "o-a", "o-c1"),
                    AlignmentLink("acme", "b1", "c1-1"),
                    AlignmentLink("acme", "o-d", "o-c2")),
    )
