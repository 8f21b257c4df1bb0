"""Token and call metering, per run and per organisation, with budgets.

Every model call made through `agents.llm.LLMClient` is recorded on the run's
`RunMeter`: tokens, latency, model and the agent step that asked. Budgets are
enforced here so a run that has spent its share stops with `BudgetExceeded`
(a clean, user-facing error) instead of quietly running up a bill. The
per-organisation total lives in an `OrgLedger`, so several runs (or several
processes, with `SqliteOrgLedger`) draw on the same monthly allowance.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from okr.errors import OKRError

__all__ = [
    "BudgetExceeded",
    "CallRecord",
    "InMemoryOrgLedger",
    "OrgLedger",
    "RunMeter",
    "SqliteOrgLedger",
    "current_period",
    "estimate_tokens",
]


class BudgetExceeded(OKRError):
    """A run or an organisation has spent its token budget; the run stops here."""

    def __init__(self, scope: str, used: int, budget: int, org_id: str) -> None:
        self.scope = scope
        self.used = used
        self.budget = budget
        self.org_id = org_id
        super().__init__(
            f"{scope} token budget spent: {used} of {budget} tokens used"
            f" (organisation {org_id!r}); raise OKR_LLM_{scope.upper()}_TOKEN_BUDGET"
            " or run again later"
        )


def estimate_tokens(text: str) -> int:
    """A cheap, conservative token estimate (about four characters a token)."""
    return max(1, (len(text) + 3) // 4)


def current_period() -> str:
    """The accounting period an organisation's budget applies to: the UTC month."""
    return datetime.now(UTC).strftime("%Y-%m")


class OrgLedger(Protocol):
    """Where organisation token totals are kept between runs."""

    def used(self, org_id: str, period: str) -> int:
        """Tokens the organisation has spent in the period."""
        ...

    def add(self, org_id: str, period: str, tokens: int) -> None:
        """Add spent tokens to the organisation's total for the period."""
        ...


class InMemoryOrgLedger:
    """An `OrgLedger` for one process (tests, a single API worker)."""

    def __init__(self) -> None:
        self._totals: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def used(self, org_id: str, period: str) -> int:
        with self._lock:
            return self._totals.get((org_id, period), 0)

    def add(self, org_id: str, period: str, tokens: int) -> None:
        with self._lock:
            key = (org_id, period)
            self._totals[key] = self._totals.get(key, 0) + tokens


class SqliteOrgLedger:
    """An `OrgLedger` in a SQLite file, shared by every process on the machine."""

    def __init__(self, path: Path) -> None:
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS llm_usage ("
                " org_id TEXT NOT NULL, period TEXT NOT NULL, tokens INTEGER NOT NULL,"
                " PRIMARY KEY (org_id, period))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=10)

    def used(self, org_id: str, period: str) -> int:
        with self._connect() as conn:
            row = conn.execute(
                "SELECT tokens FROM llm_usage WHERE org_id = ? AND period = ?", (org_id, period)
            ).fetchone()
        return int(row[0]) if row else 0

    def add(self, org_id: str, period: str, tokens: int) -> None:
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO llm_usage (org_id, period, tokens) VALUES (?, ?, ?)"
                " ON CONFLICT (org_id, period) DO UPDATE SET tokens = tokens + excluded.tokens",
                (org_id, period, tokens),
            )


@dataclass(frozen=True)
class CallRecord:
    """One model call as metered: who asked, what it cost, how long it took."""

    step: str
    model: str
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    estimated: bool = False

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class RunMeter:
    """The meter of one run: its calls, its totals and the budgets it must stay within.

    `check()` is called before each model call with the estimated prompt size
    and returns how many completion tokens the call may still use; `record()`
    is called after it with the real usage and raises `BudgetExceeded` when
    the call pushed the run or the organisation past its budget.
    """

    org_id: str
    run_budget: int
    org_budget: int
    ledger: OrgLedger = field(default_factory=InMemoryOrgLedger)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    period: str = field(default_factory=current_period)
    calls: list[CallRecord] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def run_tokens(self) -> int:
        """Tokens this run has spent so far."""
        return sum(c.total_tokens for c in self.calls)

    def remaining(self) -> int:
        """Tokens still available: the smaller of the run's and the organisation's share."""
        run_left = self.run_budget - self.run_tokens
        org_left = self.org_budget - self.ledger.used(self.org_id, self.period)
        return min(run_left, org_left)

    def check(self, prompt_tokens: int) -> int:
        """Refuse a call whose prompt alone would overspend; else return completion room."""
        run_used = self.run_tokens
        if run_used + prompt_tokens >= self.run_budget:
            raise BudgetExceeded("run", run_used, self.run_budget, self.org_id)
        org_used = self.ledger.used(self.org_id, self.period)
        if org_used + prompt_tokens >= self.org_budget:
            raise BudgetExceeded("org", org_used, self.org_budget, self.org_id)
        return min(self.run_budget - run_used, self.org_budget - org_used) - prompt_tokens

    def record(self, call: CallRecord) -> None:
        """Record a finished call; raise `BudgetExceeded` if it overspent a budget."""
        with self._lock:
            self.calls.append(call)
            self.ledger.add(self.org_id, self.period, call.total_tokens)
        run_used = self.run_tokens
        if run_used > self.run_budget:
            raise BudgetExceeded("run", run_used, self.run_budget, self.org_id)
        org_used = self.ledger.used(self.org_id, self.period)
        if org_used > self.org_budget:
            raise BudgetExceeded("org", org_used, self.org_budget, self.org_id)

    def by_step(self) -> list[tuple[str, str, int, int, int, float]]:
        """Totals per (step, model): calls, prompt and completion tokens, latency."""
        rows: dict[tuple[str, str], list[float]] = {}
        for c in self.calls:
            acc = rows.setdefault((c.step, c.model), [0, 0, 0, 0.0])
            acc[0] += 1
            acc[1] += c.prompt_tokens
            acc[2] += c.completion_tokens
            acc[3] += c.latency_s
        return [
            (step, model, int(a[0]), int(a[1]), int(a[2]), a[3])
            for (step, model), a in sorted(rows.items())
        ]

    def token_report(self) -> str:
        """A plain-text table of this run's calls and tokens, for logs and closing notes."""
        header = ("step", "model", "calls", "prompt", "completion", "total", "latency_s")
        body = [
            (step, model, str(n), str(p), str(c), str(p + c), f"{lat:.2f}")
            for step, model, n, p, c, lat in self.by_step()
        ]
        prompt = sum(c.prompt_tokens for c in self.calls)
        completion = sum(c.completion_tokens for c in self.calls)
        latency = sum(c.latency_s for c in self.calls)
        total = (
            "TOTAL",
            "",
            str(len(self.calls)),
            str(prompt),
            str(completion),
            str(prompt + completion),
            f"{latency:.2f}",
        )
        table = [header, *body, total]
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]

        def line(r: tuple[str, ...]) -> str:
            return "| " + " | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) + " |"

        rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        org_used = self.ledger.used(self.org_id, self.period)
        lines = [
            f"run {self.run_id} · organisation {self.org_id}",
            line(header),
            rule,
            *(line(r) for r in body),
            line(total),
            f"run budget: {self.run_tokens}/{self.run_budget} tokens · "
            f"organisation budget ({self.period}): {org_used}/{self.org_budget} tokens",
        ]
        return "\n".join(lines)
