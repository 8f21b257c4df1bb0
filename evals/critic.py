"""Score the quality critic on a labelled JSONL file.

`python -m evals.critic [FILE]` (default: evals/data/critic-dev.jsonl) prints
per-code precision, recall and F1 over (id, code, target) triples, micro-F1,
and publish-gate accuracy: an OKR is expected publishable when none of its
expected findings has an error-severity code, and the critic's `publishable`
is compared with that. `score_file()` returns the same figures for tests.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from okr.quality import SEVERITY, Critique, FindingCode, OKRInput, Severity, critique_many

DEFAULT_FILE = Path(__file__).parent / "data" / "critic-dev.jsonl"

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class CodeScore:
    code: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class CriticReport:
    """The figures of one eval run, plus the misses for whoever tunes the rules."""

    per_code: list[CodeScore]
    micro_precision: float
    micro_recall: float
    micro_f1: float
    gate_accuracy: float
    n_okrs: int
    false_positives: list[Triple] = field(default_factory=list)
    false_negatives: list[Triple] = field(default_factory=list)


def load_labelled(path: Path) -> tuple[list[OKRInput], list[set[Triple]]]:
    """Read a labelled JSONL file: the inputs and each line's expected triples."""
    okrs: list[OKRInput] = []
    expected: list[set[Triple]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw = json.loads(line)
        okr = OKRInput.model_validate(raw)
        okrs.append(okr)
        expected.append({(okr.id, e["code"], e["target"]) for e in raw.get("expected", [])})
    return okrs, expected


def _predicted(c: Critique) -> set[Triple]:
    return {(c.id, f.code.value, f.target) for f in c.findings}


def score(critiques: Sequence[Critique], expected: Sequence[set[Triple]]) -> CriticReport:
    """Compare critiques with labels (same order) and compute every figure."""
    pred_all: set[Triple] = set()
    exp_all: set[Triple] = set()
    gate_hits = 0
    for c, exp in zip(critiques, expected, strict=True):
        pred = _predicted(c)
        pred_all |= pred
        exp_all |= exp
        expected_ok = not any(SEVERITY[FindingCode(code)] is Severity.ERROR
                              for _, code, _ in exp)
        gate_hits += int(expected_ok == c.publishable)
    per_code = []
    for code in FindingCode:
        p = {t for t in pred_all if t[1] == code.value}
        e = {t for t in exp_all if t[1] == code.value}
        per_code.append(CodeScore(code.value, len(p & e), len(p - e), len(e - p)))
    tp = len(pred_all & exp_all)
    fp = len(pred_all - exp_all)
    fn = len(exp_all - pred_all)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return CriticReport(
        per_code=per_code, micro_precision=precision, micro_recall=recall, micro_f1=f1,
        gate_accuracy=gate_hits / len(critiques) if critiques else 1.0,
        n_okrs=len(critiques), false_positives=sorted(pred_all - exp_all),
        false_negatives=sorted(exp_all - pred_all))


def score_file(path: Path = DEFAULT_FILE) -> CriticReport:
    """Run the deterministic critic over a labelled file and score it."""
    okrs, expected = load_labelled(path)
    return score(critique_many(okrs), expected)


def print_report(report: CriticReport, console: Console, *, show_misses: bool = True) -> None:
    table = Table(title=f"Critic eval ({report.n_okrs} OKRs)")
    for col in ("code", "tp", "fp", "fn", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "code" else "right")
    for s in report.per_code:
        table.add_row(s.code, str(s.tp), str(s.fp), str(s.fn), f"{s.precision:.2f}",
                      f"{s.recall:.2f}", f"{s.f1:.2f}")
    table.add_row("micro", "", "", "", f"{report.micro_precision:.2f}",
                  f"{report.micro_recall:.2f}", f"{report.micro_f1:.3f}", style="bold")
    console.print(table)
    console.print(f"publish-gate accuracy: [bold]{report.gate_accuracy:.3f}[/]")
    if show_misses:
        for label, items in (("false positive", report.false_positives),
                             ("false negative", report.false_negatives)):
            for t in items:
                console.print(f"  {label}: {t[0]} {t[1]} {t[2]}", highlight=False)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else DEFAULT_FILE
    print_report(score_file(path), Console())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
