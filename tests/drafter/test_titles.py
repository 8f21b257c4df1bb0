"""Offline objective titles: written from the request and the data, labelled when carried over."""

from __future__ import annotations

from agents.draft_templates import (
    TITLE_THEMES,
    DraftObjective,
    Facts,
    MetricFact,
    ParentFact,
    compose_offline,
)
from agents.runtime import run_config
from okr.quality import is_objective_task, is_objective_vague

CURRENT_CS_TITLES = {"Get every new customer to value in 30 days", "Expand our largest accounts"}


def _drafts(graph, ctx, start, request, thread="t") -> list[DraftObjective]:
    graph.invoke(start(request), run_config(thread), context=ctx)
    values = graph.get_state(run_config(thread)).values
    return [DraftObjective.model_validate(d) for d in values["drafts"]]


def _fact(n: int, metric: str, title: str) -> MetricFact:
    return MetricFact(id=f"m{n}", kr_id=f"kr-{n}", metric=metric, unit="%", current=50.0,
                      as_of="2026-11-10", objective_id="o-1", objective_title=title,
                      cycle="2026-Q4", target=60.0)


def test_offline_titles_for_the_retention_request_are_not_copies_of_this_quarters(
        graph, offline_ctx, start, cs_request):
    titles = {d.title for d in _drafts(graph, offline_ctx, start, cs_request)}
    assert titles - CURRENT_CS_TITLES


def test_a_retention_parent_shapes_the_time_to_value_title(graph, offline_ctx, start,
                                                           cs_request):
    titles = [d.title for d in _drafts(graph, offline_ctx, start, cs_request)]
    assert "Get new customers to value faster so they stay" in titles


def test_offline_titles_pass_the_critic(graph, offline_ctx, start, cs_request):
    drafts = _drafts(graph, offline_ctx, start, cs_request)
    assert drafts and all(d.publishable for d in drafts)
    assert not [f for d in drafts for f in d.critique.findings if f.target == "objective"]


def test_every_phrasing_in_the_title_table_is_an_outcome_not_vague_or_a_task():
    titles = [t for theme in TITLE_THEMES for options in theme.phrasings.values()
              for t in options]
    assert [t for t in titles if is_objective_vague(t) or is_objective_task(t)] == []


def test_objectives_in_one_draft_get_different_titles():
    facts = Facts(metrics=[_fact(1, "Support CSAT", "Answer customers"),
                           _fact(2, "Tickets resolved in one touch", "Answer customers"),
                           _fact(3, "First response time", "Respond faster"),
                           _fact(4, "Tickets reopened", "Respond faster")])
    facts.metrics[2].objective_id = facts.metrics[3].objective_id = "o-2"
    titles = [d.title for d in compose_offline(facts, count=None, parent_id=None)]
    assert len(titles) == 2 and len(set(titles)) == 2


def test_a_carried_over_title_is_labelled_with_its_quarter():
    facts = Facts(metrics=[_fact(1, "Widgets polished", "Polish widgets to a mirror shine"),
                           _fact(2, "Gizmos aligned", "Polish widgets to a mirror shine")])
    draft, = compose_offline(facts, count=None, parent_id=None)
    assert draft.title == "Polish widgets to a mirror shine"
    assert "carried over from 2026-Q4" in draft.rationale


def test_a_new_title_is_not_labelled_as_carried_over():
    facts = Facts(metrics=[_fact(1, "Logo churn", "Keep customers"),
                           _fact(2, "Gross revenue retention", "Keep customers")],
                  parent=ParentFact(id="o-9", title="Keep and grow customers", cycle="2026-Q4"))
    draft, = compose_offline(facts, count=None, parent_id=None)
    assert draft.title != "Keep customers" and "carried over" not in draft.rationale


def test_the_same_request_gives_the_same_drafts(graph, offline_ctx, start, cs_request):
    first = _drafts(graph, offline_ctx, start, cs_request, thread="a")
    second = _drafts(graph, offline_ctx, start, cs_request, thread="b")
    assert [d.model_dump() for d in first] == [d.model_dump() for d in second]
