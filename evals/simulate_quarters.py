"""Simulated quarters with known endings, for fitting and stress-testing the radar.

Each key result follows a hidden trajectory to a hidden final score; the file
holds only the check-ins up to `as_of`, the outcome holds the ending. The
behaviours are drawn wide on purpose, beyond what any one dev set shows:
steady pace, late surges (hockey sticks that finish strong), front-loaded
work that plateaus, regressions, lumpy metrics that move in steps, noisy
metrics, milestones that land or slip, blockers that get resolved or not,
dependencies across teams that hold the downstream back when they miss,
over-confident, under-confident, uninformative and silent owners, sparse,
irregular and stale check-ins, and decreasing metrics.

Owners only partly know how things will end: what they believe mixes inside
knowledge with the pace they can see, and what they *say* depends on their
style (calibrated, over-confident until the last weeks, sandbagging, flat,
silent), so confidence is often uninformative or misleading. Late surges
are planned ramps that may start too late or run long and end part-way.
After `as_of` the pace of some metrics changes and some open milestones
slip, so an ending is never fully predictable from the file.

    python -m evals.simulate_quarters OUTDIR [--count 5] [--seed 1] [--shape late_surge]

writes q01.json + q01.outcome.json, ... in the quarter-file format.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from okr.models import Direction, KRKind
from okr.quarter import QuarterFile, dump_quarter
from okr.scoring import progress

Rng = np.random.Generator

SHAPES = ("steady", "late_surge", "front_loaded", "plateau", "regress", "lumpy", "noisy")
SHAPE_WEIGHTS = (0.33, 0.12, 0.10, 0.11, 0.08, 0.11, 0.15)
CONFIDENCE_STYLES = ("calibrated", "over", "under", "flat", "silent")
CONFIDENCE_WEIGHTS = (0.4, 0.2, 0.12, 0.14, 0.14)
#: Share of metrics whose pace changes after `as_of`, and the log-normal factor on the rest.
PACE_CHANGE_SHARE = 0.35
PACE_CHANGE_LOG_MEAN = -0.15
PACE_CHANGE_LOG_SD = 0.6
CADENCES = ("weekly", "biweekly", "irregular", "sparse", "none")
CADENCE_WEIGHTS = (0.42, 0.25, 0.2, 0.1, 0.03)

NEUTRAL = ["", "", "", "", "On plan.", "Steady progress.", "Quiet week.",
           "Numbers noisy this week.", "Progressing; next review in two weeks.",
           "No blockers this week.", "Holding steady.",
           "Half the team at the offsite.", "Good week.", "Kicked off.", "Baseline confirmed.",
           "Ahead of plan.", "Slower than hoped.", "Need to pick up the pace.", "Flat week.",
           "Still expecting a strong final month.", "Keine Blocker diese Woche.",
           "Semaine calme.", "Buena semana.", "Rustige week.", "Nothing blocking us."]
BLOCKER_NOTES = ["Blocked on legal review.", "Vendor slipped their delivery again.",
                 "Waiting for the data team to fix the pipeline.",
                 "Still waiting on budget approval.",
                 "Key hire fell through.", "Team pulled onto an incident.", "Spend still frozen.",
                 "Security review pending approval.", "Stuck behind the platform migration.",
                 "Blockiert durch die Rechtsabteilung.", "Wir warten auf den Lieferanten.",
                 "Bloqué par la revue sécurité.", "En attente de la validation budget.",
                 "Bloqueado por el proveedor.", "Esperando al equipo de datos.",
                 "Geblokkeerd door de leverancier.", "Wachten op goedkeuring van finance."]
RESOLVED_NOTES = ["Legal review cleared; moving again.", "Vendor delivered; integration underway.",
                  "Fix shipped; numbers backfilled.", "Budget approved; relaunching.",
                  "Unblocked.", "Problem gelöst.", "Débloqué, on avance.", "Resuelto.",
                  "Opgelost, we gaan weer."]
MILESTONE_NOTES = ["Build in progress.", "In QA.", "Design review done.",
                   "Beta with four customers.", "Code complete, hardening.",
                   "Scope trimmed to hit the date.", "Date at risk."]


@dataclass
class Hidden:
    """What the simulation knows about one key result and the file does not."""

    shape: str
    final: float
    value_at: Callable[[float], float]


def _choice(rng: Rng, items: tuple[str, ...], weights: tuple[float, ...]) -> str:
    p = np.array(weights) / sum(weights)
    return str(items[int(rng.choice(len(items), p=p))])


def _freeze(t: float, start: float, stop: float) -> float:
    """Effective working time when work stops between `start` and `stop`."""
    return t - max(0.0, min(t, stop) - start) if t > start else t


def _shape_curve(rng: Rng, shape: str, final: float) -> Callable[[float], float]:
    """Position (0 = baseline, 1 = target) over working time 0..1."""
    if shape == "late_surge":
        return _hockey_stick(rng, final)
    if shape == "front_loaded":
        g = rng.uniform(0.3, 0.65)
        return lambda t: final * max(t, 0.0) ** g
    if shape == "plateau":
        tp = rng.uniform(0.25, 0.75)
        return lambda t: final * min(max(t, 0.0), tp) / tp
    if shape == "regress":
        peak = final + rng.uniform(0.15, 0.5)
        tr = rng.uniform(0.3, 0.7)
        return lambda t: (peak * max(t, 0.0) / tr if t < tr
                          else peak - (peak - final) * (t - tr) / (1 - tr))
    if shape == "lumpy":
        k = int(rng.integers(2, 6))
        times = np.sort(rng.uniform(0.05, 1.0, k))
        sizes = rng.dirichlet(np.ones(k)) * final
        return lambda t: float(sizes[times <= t].sum())
    g = float(np.exp(rng.normal(0.0, 0.25)))
    return lambda t: final * max(t, 0.0) ** g


def _hockey_stick(rng: Rng, final: float) -> Callable[[float], float]:
    """A planned late surge: a slow drift, then a ramp that may not finish in time.

    The ramp is sized to reach `final` but starts late and takes a while; when
    it starts too late or runs long, the quarter ends part-way up the ramp,
    which is how real "big final month" plans miss.
    """
    drift = float(rng.uniform(0.0, 0.2)) * max(final, 0.0)
    t0 = float(rng.uniform(0.45, 0.85))
    width = float(rng.uniform(0.08, 0.45))

    def at(t: float) -> float:
        if t < t0:
            return drift * max(t, 0.0) / t0
        return drift + (final - drift) * min(1.0, (t - t0) / width)
    return at


def _after_cut(rng: Rng, path: Callable[[float], float], cut: float) -> Callable[[float], float]:
    """What happens after `as_of` is not fully written in the file: pace can change.

    Most key results keep going as before; some speed up (a push, a fix
    lands), some slow down (people move, priorities shift).
    """
    if rng.random() >= PACE_CHANGE_SHARE:
        return path
    factor = float(np.exp(rng.normal(PACE_CHANGE_LOG_MEAN, PACE_CHANGE_LOG_SD)))
    at_cut = path(cut)
    return lambda t: path(t) if t <= cut else at_cut + factor * (path(t) - at_cut)


def _milestone_path(done_at: float) -> Callable[[float], float]:
    return lambda t: 1.0 if t >= done_at else 0.0


def _metric_path(curve: Callable[[float], float],
                 freezes: list[tuple[float, float, str]]) -> Callable[[float], float]:
    """Position over calendar time: the curve, paused while blocked."""
    def at(t: float) -> float:
        for a, b, _ in freezes:
            t = _freeze(t, a, min(b, 1.0))
        return curve(t)
    return at


def _check_in_days(rng: Rng, cadence: str, total: int, stop: int) -> list[int]:
    """Days (from cycle start) an owner checks in, up to day `stop`."""
    first = int(rng.integers(2, 15))
    if cadence == "none":
        return []
    if cadence == "sparse":
        k = int(rng.integers(1, 3))
        return sorted({int(d) for d in rng.integers(1, max(stop, 2), k)})
    days, d = [], first
    while d <= stop:
        days.append(d)
        if cadence == "weekly":
            d += 7 + (int(rng.integers(-1, 2)) if rng.random() < 0.3 else 0)
        elif cadence == "biweekly":
            d += 14 + int(rng.integers(-2, 3))
        else:
            d += int(rng.integers(3, 26))
    return days


def _round_value(x: float, span: float, kind: str) -> float | int:
    if kind == "milestone":
        return round(x)
    digits = max(0, 2 - (math.floor(math.log10(max(abs(span), 1e-9)))))
    v = round(x, digits)
    return int(v) if digits == 0 else v


def _endpoints(rng: Rng, kind: str, decrease: bool) -> tuple[float, float, str | None]:
    if kind == "milestone":
        return 0, 1, None
    if kind == "percent":
        if decrease:
            b = round(float(rng.uniform(5, 60)), 1)
            return b, round(b - float(rng.uniform(0.1, 0.6)) * b, 1), "%"
        b = round(float(rng.uniform(0, 85)), 1)
        return b, round(min(100.0, b + float(rng.uniform(2, 25))), 1), "%"
    scale = float(10 ** rng.uniform(0, 4))
    if decrease:
        b = round(scale, 2)
        return b, round(b * (1 - float(rng.uniform(0.1, 0.5))), 2), None
    b = 0.0 if rng.random() < 0.4 else round(scale, 2)
    span = scale * float(rng.uniform(0.1, 1.0)) if b else scale
    return b, round(b + span, 2), None


def _confidence(rng: Rng, style: str, p_hit: float, flat_level: float,
                elapsed: float) -> float | None:
    """An owner's stated confidence, given what they believe (`p_hit`).

    Calibrated owners say what they believe; over-confident owners stay high
    whatever the numbers say until the last weeks ("watermelon" reporting);
    sandbaggers stay low even when well ahead; flat owners repeat one figure.
    """
    if style == "silent" or rng.random() < 0.1:
        return None
    if style == "flat":
        c = flat_level + rng.normal(0, 0.04)
    elif style == "over":
        honest = max(0.0, (elapsed - 0.8) / 0.2)
        c = (1 - honest) * rng.uniform(0.7, 0.95) + honest * p_hit + rng.normal(0, 0.03)
    elif style == "under":
        c = 0.45 * p_hit + 0.1 + rng.normal(0, 0.06)
    else:
        logit = math.log(max(p_hit, 1e-3) / max(1 - p_hit, 1e-3)) * 0.8
        c = 1 / (1 + math.exp(-logit)) + rng.normal(0, 0.05)
    return round(float(np.clip(c, 0.05, 0.95)) * 20) / 20


def simulate_quarter(rng: Rng, *, n_krs: int | None = None, as_of_fraction: float | None = None,
                     shape: str | None = None, year: int = 2025,
                     quarter_no: int = 1) -> tuple[QuarterFile, dict[str, dict[str, Any]]]:
    """One simulated quarter file and its outcomes (`{"kr-1": {final_score, missed}}`)."""
    start = date(year, 3 * (quarter_no - 1) + 1, 1)
    end = (date(year + (quarter_no == 4), (3 * quarter_no) % 12 + 1, 1) - timedelta(days=1))
    total = (end - start).days
    frac = as_of_fraction if as_of_fraction is not None else float(rng.uniform(0.3, 0.8))
    as_of_day = round(frac * total)
    as_of = start + timedelta(days=as_of_day)
    n = n_krs or int(rng.integers(40, 120))
    n_teams = int(rng.integers(4, 10))
    teams = [{"id": "t-company", "name": "Company", "parent": None}] + [
        {"id": f"t-{i}", "name": f"Team {i}", "parent": "t-company"} for i in range(1, n_teams)]
    objectives: list[dict[str, Any]] = []
    krs: list[dict[str, Any]] = []
    outcomes: dict[str, dict[str, Any]] = {}
    hidden: dict[str, Hidden] = {}
    kr_team: dict[str, str] = {}
    for i in range(1, n + 1):
        team = str(teams[int(rng.integers(0, n_teams))]["id"])
        if not objectives or rng.random() < 0.35:
            objectives.append({"id": f"o-{len(objectives) + 1}", "team": team,
                               "title": f"Objective {len(objectives) + 1}", "parent": None})
        obj = objectives[-1]
        kr_id = f"kr-{i}"
        kr_team[kr_id] = obj["team"]
        kind = ("milestone" if rng.random() < 0.14 else "percent" if rng.random() < 0.45
                else "metric")
        decrease = kind != "milestone" and rng.random() < 0.25
        base, target, unit = _endpoints(rng, kind, decrease)
        span = target - base
        kr_shape = shape or _choice(rng, SHAPES, SHAPE_WEIGHTS)
        style = _choice(rng, CONFIDENCE_STYLES, CONFIDENCE_WEIGHTS)
        cadence = _choice(rng, CADENCES, CADENCE_WEIGHTS)
        stale = rng.random() < 0.15
        flat_level = float(rng.uniform(0.55, 0.85))
        insight = float(rng.uniform(0.1, 0.8))

        freezes: list[tuple[float, float, str]] = []
        if rng.random() < 0.18:
            tb = float(rng.uniform(0.05, 0.85))
            resolved = rng.random() < 0.5
            tr = tb + float(rng.uniform(0.05, 0.35)) if resolved else 2.0
            freezes.append((tb, tr, "blocker"))
        depends: list[str] = []
        others = [k for k in hidden if kr_team[k] != obj["team"]]
        if others and rng.random() < 0.15:
            ups = list(rng.choice(others, size=min(len(others), int(rng.integers(1, 3))),
                                  replace=False))
            depends = [str(u) for u in ups]
            if any(hidden[u].final < 0.7 for u in depends):
                td = float(rng.uniform(0.1, 0.6))
                freezes.append((td, td + float(rng.uniform(0.15, 0.6)), "dependency"))

        if kind == "milestone":
            due = float(rng.normal(0.93, 0.25))
            work = due + sum(min(b, 2.0) - a for a, b, _ in freezes if a < due)
            if stale:
                work += float(rng.uniform(0, 0.2))
            if work > frac and rng.random() < 0.2:
                work += float(rng.uniform(0.0, 0.3))
            value_at = _milestone_path(work)
            final = 1.0 if work <= 0.99 else 0.0
            noise_sd = 0.0
        else:
            latent = float(np.clip(rng.normal(0.82, 0.32), -0.3, 1.5))
            if stale and rng.random() < 0.6:
                latent -= float(rng.uniform(0.0, 0.3))
            curve = _shape_curve(rng, kr_shape, latent)
            noise_sd = float(rng.choice([0.005, 0.015, 0.03, 0.05]))
            if kr_shape == "noisy":
                noise_sd = float(rng.uniform(0.08, 0.2))
            value_at = _after_cut(rng, _metric_path(curve, list(freezes)), frac)
            final = value_at(1.0)
        final_noise = float(rng.normal(0, noise_sd))
        final_pos = final + final_noise
        final_value = base + final_pos * span
        final_score = progress(final_value, base, target, kind=KRKind(kind),
                               direction=Direction("decrease" if decrease else "increase"))
        hidden[kr_id] = Hidden(kr_shape, final_score, value_at)

        stop = as_of_day - int(rng.integers(14, 45)) if stale else as_of_day
        days = [d for d in _check_in_days(rng, cadence, total, stop) if 0 < d <= as_of_day]
        belief_noise = float(rng.normal(0, 1))
        check_ins = []
        blocker_said = False
        for d in days:
            t = d / total
            pos = value_at(t) + float(rng.normal(0, noise_sd))
            value = _round_value(base + pos * span, span, kind)
            seen = value_at(t) if kind == "milestone" else min(1.3, pos / max(t, 0.15))
            est = (insight * final_score + (1 - insight) * seen
                   + belief_noise * (0.3 * (1 - t) + 0.08))
            p_hit = float(1 / (1 + math.exp(-(est - 0.7) / 0.12)))
            note = str(rng.choice(MILESTONE_NOTES if kind == "milestone" and rng.random() < 0.4
                                  else NEUTRAL))
            for a, b, why in freezes:
                if a <= t < b and rng.random() < (0.8 if not blocker_said else 0.45):
                    if why == "dependency" and rng.random() < 0.6:
                        up = depends[0]
                        note = f"Waiting on {kr_team[up]} ({up}) before we can move this."
                    else:
                        note = str(rng.choice(BLOCKER_NOTES))
                    blocker_said = True
                elif blocker_said and b <= t and rng.random() < 0.7:
                    note = str(rng.choice(RESOLVED_NOTES))
                    blocker_said = False
            entry: dict[str, Any] = {"date": (start + timedelta(days=d)).isoformat(),
                                     "value": value}
            conf = _confidence(rng, style, p_hit, flat_level, t)
            if conf is not None:
                entry["confidence"] = conf
            entry["note"] = note
            check_ins.append(entry)
        krs.append({"id": kr_id, "objective": obj["id"], "owner": f"p-{i}",
                    "text": f"Key result {i}", "kind": kind,
                    "direction": "decrease" if decrease else "increase",
                    "baseline": base, "target": target, "unit": unit,
                    "depends_on": depends, "check_ins": check_ins})
        outcomes[kr_id] = {"final_score": round(final_score, 4), "missed": final_score < 0.7,
                           "shape": kr_shape if kind != "milestone" else "milestone",
                           "confidence_style": style, "cadence": cadence, "stale": stale}
    quarter = QuarterFile.model_validate({
        "cycle": {"name": f"{year}-Q{quarter_no}", "start": start.isoformat(),
                  "end": end.isoformat()},
        "as_of": as_of.isoformat(), "teams": teams, "objectives": objectives,
        "key_results": krs})
    return quarter, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default=None)
    parser.add_argument("--as-of", type=float, default=None, dest="as_of")
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    for i in range(1, args.count + 1):
        q, out = simulate_quarter(rng, shape=args.shape, as_of_fraction=args.as_of,
                                  year=2020 + i // 4, quarter_no=i % 4 + 1)
        (args.outdir / f"q{i:02d}.json").write_text(dump_quarter(q), encoding="utf-8")
        (args.outdir / f"q{i:02d}.outcome.json").write_text(json.dumps(out, indent=1) + "\n",
                                                             encoding="utf-8")


if __name__ == "__main__":
    main()
