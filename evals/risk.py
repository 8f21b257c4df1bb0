"""Score the risk radar on labelled quarters, against the spec's naive pace baseline.

    python -m evals.risk [DIR]        (default evals/data/risk-dev)

For every `qNN.json` with its `qNN.outcome.json` it prints, per file and
pooled: ROC AUC and Brier score of p_miss, and status accuracy (an on_track
call is right when the key result did not miss; at_risk or off_track is right
when it missed).

The naive baseline judges by pace alone, as docs/spec/risk.md describes:
pace = progress / elapsed share of the cycle; p_miss = 0.8 when pace < 0.7,
else 0.2; its status is at_risk when pace < 0.7, else on_track. A smooth
variant ranks by pace too: p_miss = 1 / (1 + exp((pace - 0.7) / 0.2)),
kept within 0.05..0.95 (same status rule). The detector must beat both.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table
from sklearn.metrics import brier_score_loss, roc_auc_score

from okr.models import Direction, KRKind
from okr.quarter import QuarterFile, load_quarter
from okr.risk import assess_quarter
from okr.scoring import expected_progress, pace_ratio, progress

DEFAULT_DIR = Path(__file__).resolve().parent / "data" / "risk-dev"
NAIVE_PACE = 0.7
NAIVE_HIGH, NAIVE_LOW = 0.8, 0.2
NAIVE_SMOOTH_SCALE = 0.2


@dataclass(frozen=True)
class Scores:
    n: int
    auc: float
    brier: float
    accuracy: float


@dataclass(frozen=True)
class FileScores:
    name: str
    detector: Scores
    naive: Scores
    naive_smooth: Scores


def naive_pace(quarter: QuarterFile) -> np.ndarray:
    """Progress / elapsed share of the cycle per key result (the naive detector's input)."""
    elapsed = expected_progress(quarter.cycle.start, quarter.cycle.end, quarter.as_of)
    out: list[float] = []
    for kr in quarter.key_results:
        last = max(kr.check_ins, key=lambda c: c.date) if kr.check_ins else None
        p = progress(float(last.value) if last else None, kr.baseline, kr.target,
                     kind=KRKind(kr.kind), direction=Direction(kr.direction))
        out.append(pace_ratio(p, elapsed))
    return np.array(out)


def naive_p_miss(quarter: QuarterFile) -> np.ndarray:
    """The spec's pace-only detector, step form (see the module docstring)."""
    return np.where(naive_pace(quarter) < NAIVE_PACE, NAIVE_HIGH, NAIVE_LOW)


def naive_smooth_p_miss(quarter: QuarterFile) -> np.ndarray:
    """The pace-only detector, smooth form (see the module docstring)."""
    pace = naive_pace(quarter)
    return np.clip(1 / (1 + np.exp((pace - NAIVE_PACE) / NAIVE_SMOOTH_SCALE)), 0.05, 0.95)


def _scores(p: np.ndarray, missed: np.ndarray, flagged: np.ndarray) -> Scores:
    auc = float(roc_auc_score(missed, p)) if 0 < missed.sum() < len(missed) else float("nan")
    return Scores(n=len(p), auc=auc, brier=float(brier_score_loss(missed, p)),
                  accuracy=float(np.mean(flagged == missed.astype(bool))))


def evaluate(folder: Path = DEFAULT_DIR) -> tuple[list[FileScores], FileScores]:
    """Per-file and pooled figures for the detector and the naive baseline."""
    per_file: list[FileScores] = []
    pooled: dict[str, list[np.ndarray]] = {"p": [], "f": [], "np": [], "ns": [], "y": []}
    for path in sorted(folder.glob("*.json")):
        if path.name.endswith(".outcome.json"):
            continue
        quarter = load_quarter(path)
        outcome = json.loads(path.with_name(path.stem + ".outcome.json").read_text("utf-8"))
        report = assess_quarter(quarter)
        missed = np.array([bool(outcome[k.id]["missed"]) for k in report.key_results])
        p = np.array([k.p_miss for k in report.key_results])
        flagged = np.array([k.status != "on_track" for k in report.key_results])
        naive, smooth = naive_p_miss(quarter), naive_smooth_p_miss(quarter)
        per_file.append(FileScores(path.stem, _scores(p, missed, flagged),
                                   _scores(naive, missed, naive > 0.5),
                                   _scores(smooth, missed, naive > 0.5)))
        for key, arr in (("p", p), ("f", flagged), ("np", naive), ("ns", smooth),
                         ("y", missed)):
            pooled[key].append(arr)
    if not per_file:
        raise SystemExit(f"no quarter files with outcomes in {folder}")
    p, f, nv, ns, y = (np.concatenate(pooled[k]) for k in ("p", "f", "np", "ns", "y"))
    return per_file, FileScores("pooled", _scores(p, y, f), _scores(nv, y, nv > 0.5),
                                _scores(ns, y, nv > 0.5))


def render(per_file: list[FileScores], pooled: FileScores, console: Console) -> None:
    table = Table(title="Risk radar vs naive pace baseline")
    for col in ("file", "KRs", "AUC", "Brier", "status acc.", "naive AUC", "naive Brier",
                "naive acc.", "smooth AUC", "smooth Brier"):
        table.add_column(col, justify="left" if col == "file" else "right")
    for row in [*per_file, pooled]:
        d, nv, ns = row.detector, row.naive, row.naive_smooth
        table.add_row(row.name, str(d.n), f"{d.auc:.3f}", f"{d.brier:.3f}", f"{d.accuracy:.3f}",
                      f"{nv.auc:.3f}", f"{nv.brier:.3f}", f"{nv.accuracy:.3f}",
                      f"{ns.auc:.3f}", f"{ns.brier:.3f}",
                      style="bold" if row is pooled else None)
    console.print(table)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    per_file, pooled = evaluate(folder)
    render(per_file, pooled, Console(width=max(Console().width, 120)))


if __name__ == "__main__":
    main()
