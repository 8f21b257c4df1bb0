"""Charts of a review, drawn with matplotlib's Agg backend into PNG bytes.

Four charts: the distribution of key result scores by status band, burn-up
of progress against the ideal (linear) line for the riskiest key results as
small multiples, a team-by-company-objective heatmap of scores, and
programme health over cycles. Figures are built with `matplotlib.figure.Figure`
(never pyplot), so drawing keeps no global state and is safe in a server.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from okr.review_facts import ReviewFacts

__all__ = ["Chart", "burn_up", "charts_for", "health_trend", "heatmap", "score_distribution"]

GREEN, AMBER, RED, INK, GRID = "#2e7d32", "#f9a825", "#c62828", "#263238", "#cfd8dc"
_SCORE_MAP = LinearSegmentedColormap.from_list("score", [RED, AMBER, GREEN])
#: Burn-up charts drawn at most (the top risks).
BURN_UP_PANELS = 6


@dataclass(frozen=True)
class Chart:
    """One rendered chart: an id, a caption and its PNG bytes."""

    id: str
    title: str
    png: bytes


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return buf.getvalue()


def _style(ax: object) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(colors=INK, labelsize=8)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def score_distribution(facts: ReviewFacts) -> Chart:
    """Key results per tenth of score, coloured by status band."""
    counts = [0] * 10
    for s in facts.charts.kr_scores:
        counts[min(9, int(s * 10))] += 1
    colours = [RED] * 4 + [AMBER] * 3 + [GREEN] * 3
    fig = Figure(figsize=(6.0, 2.8))
    ax = fig.add_subplot()
    ax.bar([i / 10 + 0.05 for i in range(10)], counts, width=0.09, color=colours)
    ax.set_xlim(0, 1)
    ax.set_xlabel("score", fontsize=9)
    ax.set_ylabel("key results", fontsize=9)
    _style(ax)
    return Chart("score_distribution", "Key result scores", _png(fig))


def burn_up(facts: ReviewFacts, kr_ids: list[str] | None = None) -> Chart | None:
    """Progress against the ideal line, one small panel per key result (default: top risks)."""
    ids = kr_ids if kr_ids is not None else [r.kr_id for r in facts.risks[:BURN_UP_PANELS]]
    ids = [k for k in ids if k in facts.charts.burn_up]
    if not ids:
        return None
    cols = min(3, len(ids))
    rows = math.ceil(len(ids) / cols)
    fig = Figure(figsize=(3.0 * cols, 2.3 * rows))
    elapsed = facts.charts.elapsed
    for n, kr_id in enumerate(ids, start=1):
        ax = fig.add_subplot(rows, cols, n)
        points = facts.charts.burn_up[kr_id]
        ax.plot([0, 1], [0, 1], linestyle="--", color=GRID, linewidth=1.2, label="ideal")
        if points:
            xs, ys = zip(*points, strict=True)
            ax.plot(xs, ys, marker="o", markersize=3, color=INK, linewidth=1.5, label="actual")
        ax.axvline(elapsed, color=AMBER, linewidth=0.8)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.05)
        ax.set_title(kr_id, fontsize=8, color=INK)
        _style(ax)
    fig.suptitle("progress (y) against share of the cycle elapsed (x); dashed: ideal",
                 fontsize=8, color=INK)
    fig.tight_layout()
    return Chart("burn_up", "Burn-up of the top risks", _png(fig))


def heatmap(facts: ReviewFacts) -> Chart | None:
    """Mean score of each team's objectives supporting each company objective."""
    rows, cols, grid = facts.charts.heatmap_rows, facts.charts.heatmap_cols, facts.charts.heatmap
    if not rows or not cols:
        return None
    data = [[math.nan if v is None else v for v in row] for row in grid]
    fig = Figure(figsize=(1.3 * len(cols) + 2.5, 0.38 * len(rows) + 1.6))
    ax = fig.add_subplot()
    image = ax.imshow(data, cmap=_SCORE_MAP, vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(cols)))
    ax.set_xticklabels([c if len(c) < 28 else c[:26] + "…" for c in cols], rotation=30,
                       ha="right", fontsize=7)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows, fontsize=8)
    for i, row in enumerate(grid):
        for j, v in enumerate(row):
            if v is not None:
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="white")
    fig.colorbar(image, ax=ax, fraction=0.03)
    return Chart("heatmap", "Teams by company objective", _png(fig))


def health_trend(facts: ReviewFacts) -> Chart | None:
    """Mean score, share on track, adoption and alignment coverage per cycle."""
    trend = facts.charts.trend
    if not trend:
        return None
    names = [p.cycle for p in trend]
    fig = Figure(figsize=(6.0, 2.8))
    ax = fig.add_subplot()
    for values, label, colour in (
            ([p.mean_score for p in trend], "mean score", INK),
            ([p.on_track_share for p in trend], "share on track", GREEN),
            ([p.adoption for p in trend], "adoption", "#1565c0"),
            ([p.alignment_coverage for p in trend], "alignment coverage", "#6a1b9a")):
        ax.plot(names, values, marker="o", markersize=4, label=label, color=colour)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7, frameon=False, loc="lower left")
    _style(ax)
    return Chart("health_trend", "Programme health over cycles", _png(fig))


def charts_for(facts: ReviewFacts) -> list[Chart]:
    """Every chart that has data, in reading order."""
    out = [score_distribution(facts), burn_up(facts), heatmap(facts), health_trend(facts)]
    return [c for c in out if c is not None]
