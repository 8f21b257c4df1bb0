"""A written review as a person reads it: Markdown, self-contained HTML, or JSON.

The HTML page carries its own CSS and its charts as base64 PNG `data:` URLs,
so it can be mailed or archived as one file and opened offline; it loads
nothing from anywhere. Narratives are Markdown rendered with raw HTML
disabled, so a model's text cannot inject markup. The JSON form lists the
sections (with the engine that wrote each) and every fact with its sources.
"""

from __future__ import annotations

import base64
import html
import json
from typing import Any

from markdown_it import MarkdownIt

from agents.reviewer import Review
from api.charts import Chart, charts_for
from okr.models import Status

__all__ = ["to_html", "to_json", "to_markdown"]

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
_STATUS_CLASS = {Status.ON_TRACK: "on", Status.AT_RISK: "risk", Status.OFF_TRACK: "off",
                 "on_track": "on", "at_risk": "risk", "off_track": "off"}


def _status(s: Status | str) -> str:
    return str(s.value if isinstance(s, Status) else s).replace("_", " ")


def _meta(review: Review) -> str:
    f = review.facts
    engines = {s.engine for s in review.sections}
    how = ("written by the model from the facts, every number checked" if engines == {"llm"}
           else "written from templates over the facts (offline engine)" if engines == {"offline"}
           else "partly by the model (numbers checked), partly from templates")
    return (f"{f.org_name} · {f.cycle.name} ({f.cycle.start.isoformat()} to "
            f"{f.cycle.end.isoformat()}) · as of {f.as_of.isoformat()} · {how}")


def to_markdown(review: Review) -> str:
    """The review as Markdown: sections, then the scoreboard and the risks as tables."""
    f = review.facts
    out = [f"# {review.title}", "", f"_{_meta(review)}_", ""]
    for s in review.sections:
        out += [f"## {s.title}", "", s.text.strip(), ""]
    out += ["## Scoreboard", "", "| objective | team | score | status |", "|---|---|---:|---|"]
    for o in f.objectives:
        out.append(f"| {o.title} | {o.team_name} | {f.shown(o.score)} | {_status(o.status)} |")
    if f.risks:
        out += ["", "## Risk radar", "", "| key result | status | p_miss | forecast | why |",
                "|---|---|---:|---:|---|"]
        for r in f.risks:
            out.append(f"| {r.kr_id} | {_status(r.status)} | {f.shown(r.p_miss)} | "
                       f"{f.shown(r.forecast)} | {f.fact(r.explanation).value} |")
    return "\n".join(out).rstrip() + "\n"


_CSS = """
:root{--ink:#263238;--muted:#607d8b;--line:#e0e6ea;--on:#2e7d32;--risk:#b7791f;--off:#c62828}
*{box-sizing:border-box}body{margin:0;font:15px/1.55 -apple-system,"Segoe UI",Roboto,Helvetica,
Arial,sans-serif;color:var(--ink);background:#f5f7f8}
main{max-width:980px;margin:0 auto;padding:32px 28px 48px;background:#fff;
box-shadow:0 1px 3px rgba(0,0,0,.06)}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;padding-bottom:4px;
border-bottom:2px solid var(--line)}h3{font-size:15px;margin:18px 0 6px}
.meta{color:var(--muted);font-size:13px;margin-bottom:20px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:18px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px}
.card b{display:block;font-size:24px}.card span{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;color:#fff}
.pill.on{background:var(--on)}.pill.risk{background:var(--risk)}.pill.off{background:var(--off)}
figure{margin:16px 0}figure img{max-width:100%;height:auto}
figcaption{color:var(--muted);font-size:12px}
.engine{float:right;color:var(--muted);font-size:11px;font-weight:400}
.kr td:first-child{padding-left:22px;color:var(--muted)}
footer{margin-top:36px;color:var(--muted);font-size:12px}
"""


def _pill(status: Status | str) -> str:
    return f'<span class="pill {_STATUS_CLASS[status]}">{html.escape(_status(status))}</span>'


def _figure(chart: Chart) -> str:
    data = base64.b64encode(chart.png).decode("ascii")
    return (f'<figure id="chart-{chart.id}"><img alt="{html.escape(chart.title)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{html.escape(chart.title)}'
            "</figcaption></figure>")


def _cards(review: Review) -> str:
    f = review.facts
    cards = [(f.shown("score:mean_objective"), "mean objective score"),
             (f.shown("count:kr_on_track"), "key results on track"),
             (f.shown("count:kr_at_risk"), "at risk"),
             (f.shown("count:kr_off_track"), "off track"),
             (f.shown("health:check_in_rate"), "check-in rate")]
    return '<div class="cards">' + "".join(
        f"<div class=\"card\"><b>{html.escape(v)}</b><span>{html.escape(k)}</span></div>"
        for v, k in cards) + "</div>"


def _scoreboard(review: Review) -> str:
    f = review.facts
    rows = []
    for o in f.objectives:
        rows.append(f"<tr><td><b>{html.escape(o.title)}</b></td><td>"
                    f"{html.escape(o.team_name)}</td><td class=num>{f.shown(o.score)}</td>"
                    f"<td>{_pill(o.status)}</td></tr>")
        for kr in o.key_results:
            rows.append(f'<tr class="kr"><td>{html.escape(kr.text)}</td><td>'
                        f"{html.escape(kr.owner)}</td><td class=num>{f.shown(kr.score)}</td>"
                        f"<td>{_pill(kr.status)}</td></tr>")
    return ("<table><thead><tr><th>objective / key result</th><th>team / owner</th>"
            "<th>score</th><th>status</th></tr></thead><tbody>" + "".join(rows)
            + "</tbody></table>")


def _risk_table(review: Review) -> str:
    f = review.facts
    if not f.risks:
        return "<p>The risk radar rates every key result in scope on track.</p>"
    rows = "".join(
        f"<tr><td>{html.escape(r.kr_id)}</td><td>{_pill(r.status)}</td>"
        f"<td class=num>{f.shown(r.p_miss)}</td><td class=num>{f.shown(r.forecast)}</td>"
        f"<td>{html.escape(str(f.fact(r.explanation).value))}</td></tr>" for r in f.risks)
    return ("<table><thead><tr><th>key result</th><th>status</th><th>p_miss</th>"
            "<th>forecast</th><th>why</th></tr></thead><tbody>" + rows + "</tbody></table>")


def to_html(review: Review, *, charts: bool = True) -> str:
    """One self-contained HTML page: summary cards, sections, charts, scoreboard, risks."""
    f = review.facts
    parts = [f"<h1>{html.escape(review.title)}</h1>",
             f'<div class="meta">{html.escape(_meta(review))}</div>', _cards(review)]
    figures = {c.id: c for c in charts_for(f)} if charts else {}
    for n, s in enumerate(review.sections):
        parts.append(f'<h2>{html.escape(s.title)}<span class="engine">{s.engine}</span></h2>')
        parts.append(_MD.render(s.text))
        if n == 0:
            parts += [_figure(figures[k]) for k in ("score_distribution", "health_trend")
                      if k in figures]
    if "heatmap" in figures:
        parts += ["<h2>Alignment heatmap</h2>", _figure(figures["heatmap"])]
    parts += ["<h2>Risk radar</h2>", _risk_table(review)]
    if "burn_up" in figures:
        parts.append(_figure(figures["burn_up"]))
    parts += ["<h2>Scoreboard</h2>", _scoreboard(review)]
    parts.append(f"<footer>{len(f.facts)} facts computed from the live data; every number in "
                 "the narrative is one of them. Generated by Quarterdeck.</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(review.title)}</title><style>{_CSS}</style></head>"
            f"<body><main>{''.join(parts)}</main></body></html>\n")


def to_json(review: Review) -> dict[str, Any]:
    """The review as data: what it covers, its sections and every fact with its sources."""
    f = review.facts
    return {
        "kind": review.kind,
        "title": review.title,
        "organisation": {"id": f.org_id, "name": f.org_name},
        "cycle": {"id": f.cycle.id, "name": f.cycle.name, "start": f.cycle.start.isoformat(),
                  "end": f.cycle.end.isoformat()},
        "scope": {"name": f.scope, "team_id": f.team_id},
        "as_of": f.as_of.isoformat(),
        "engine": review.engine,
        "sections": [{"id": s.id, "title": s.title, "text": s.text, "engine": s.engine,
                      "facts": list(s.fact_ids), "repaired": s.repaired,
                      "rejected_numbers": list(s.rejected)} for s in review.sections],
        "facts": [{"id": x.id, "kind": x.kind, "label": x.label, "value": x.value,
                   "display": list(x.display), "sources": list(x.sources)}
                  for x in f.facts.values()],
    }


def dumps(review: Review) -> str:
    """`to_json` as indented text."""
    return json.dumps(to_json(review), indent=1, ensure_ascii=False)
