"""What a person reads: Markdown, a self-contained HTML page with charts, and JSON."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from agents.reviewer import Review, write_review
from api.render_review import dumps, to_html, to_markdown

TODAY = date(2026, 11, 18)


@pytest.fixture
def qbr(offline_ctx, demo) -> Review:
    return write_review(offline_ctx, "qbr", snapshot=demo, cycle="2026-Q3", today=TODAY)


def test_html_is_self_contained_and_embeds_the_charts(qbr):
    page = to_html(qbr)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    charts = re.findall(r'<figure id="chart-([a-z_]+)"><img alt="[^"]*" '
                        r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', page)
    assert set(charts) == {"score_distribution", "health_trend", "heatmap", "burn_up"}


def test_html_reads_like_a_business_review(qbr):
    page = to_html(qbr)
    for heading in ("Executive summary", "By team", "Risks and asks",
                    "Next-cycle recommendations", "Scoreboard", "Risk radar"):
        assert f"{heading}<" in page


def test_model_text_cannot_inject_markup(qbr):
    from dataclasses import replace

    hostile = replace(qbr.sections[0], text="<script>alert(1)</script> **fine**")
    page = to_html(Review(qbr.kind, qbr.facts, (hostile, *qbr.sections[1:])), charts=False)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_markdown_has_every_section_and_the_scoreboard(qbr):
    text = to_markdown(qbr)
    assert text.startswith("# Quarterly business review — Northwind Analytics, 2026-Q3")
    assert all(f"## {s.title}" in text for s in qbr.sections)
    assert "| objective | team | score | status |" in text


def test_json_lists_sections_with_engines_and_facts_with_sources(qbr):
    data = json.loads(dumps(qbr))
    assert data["kind"] == "qbr" and data["cycle"]["name"] == "2026-Q3"
    assert {s["engine"] for s in data["sections"]} == {"offline"}
    facts = {f["id"]: f for f in data["facts"]}
    assert all(fid in facts for s in data["sections"] for fid in s["facts"])
    assert facts["score:mean_objective"]["sources"]
