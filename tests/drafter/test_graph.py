"""The drafter graph offline: streamed steps, critic-passing drafts, approval and writing."""

from __future__ import annotations

import dataclasses
from datetime import date

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings
from langgraph.types import Command

from agents.draft_templates import DraftObjective
from agents.runtime import run_config
from memory import (
    DocKind,
    Memory,
    MiniLMEmbeddingFunction,
    ingest_closed_cycles,
    strategy_documents,
)
from okr.demo import build_demo_org
from okr.models import ObjectiveState
from okr.quality import CritiqueContext, KRInput, OKRInput, TeamInput, critique
from tools.okr_reads import team_metrics

RETENTION = "o-2026q4-1"
TODAY = date(2026, 11, 16)  # the day the conftest builds the demo as of


def _pending(graph, ctx, start, request, thread="t", **extra):
    graph.invoke(start(request, **extra), run_config(thread), context=ctx)
    return graph.get_state(run_config(thread))


def test_stream_reports_each_step_until_the_approval_interrupt(graph, offline_ctx, start,
                                                               cs_request):
    events = list(graph.stream(start(cs_request), run_config("s"), context=offline_ctx,
                               stream_mode="updates"))
    steps = [next(iter(e)) for e in events]
    assert steps == ["understand", "gather", "draft", "critique", "__interrupt__"]
    assert events[3]["critique"]["round"] == 1
    assert events[-1]["__interrupt__"][0].value["drafts"]


def test_offline_drafts_pass_the_critic_with_two_to_five_key_results(graph, offline_ctx,
                                                                     start, cs_request):
    state = _pending(graph, offline_ctx, start, cs_request).values
    drafts = [DraftObjective.model_validate(d) for d in state["drafts"]]
    assert drafts and all(d.publishable for d in drafts)
    assert all(2 <= len(d.key_results) <= 5 for d in drafts)


def test_offline_drafts_align_to_the_requested_company_objective(graph, offline_ctx, start,
                                                                 cs_request):
    state = _pending(graph, offline_ctx, start, cs_request).values
    assert state["understood"]["parent_id"] == RETENTION
    assert {d["parent_id"] for d in state["drafts"]} == {RETENTION}


def test_baselines_are_the_latest_check_in_values_and_say_so(graph, offline_ctx, start,
                                                             cs_request, store):
    state = _pending(graph, offline_ctx, start, cs_request).values
    known = {m.metric: m for m in team_metrics(store, "demo", "t-customer-success")}
    krs = [k for d in state["drafts"] for k in d["key_results"]]
    for k in krs:
        reading = known[k["metric"]]
        assert k["baseline"] == reading.current
        assert k["baseline_note"] == f"baseline from data: last check-in {reading.as_of}"


def test_targets_are_stretches_in_the_metric_s_good_direction(graph, offline_ctx, start,
                                                              cs_request):
    state = _pending(graph, offline_ctx, start, cs_request).values
    for k in (k for d in state["drafts"] for k in d["key_results"]):
        if k["direction"] == "increase":
            assert k["target"] > k["baseline"]
        else:
            assert k["target"] < k["baseline"]


def test_unknown_team_ends_with_a_clarifying_question_and_no_drafts(graph, offline_ctx,
                                                                    start):
    state = _pending(graph, offline_ctx, start, "draft next quarter's OKRs for the Legal team")
    assert state.next == ()
    assert state.values["status"] == "clarify"
    assert "Which team" in state.values["question"]
    assert "Customer Success" in state.values["question"]
    assert "drafts" not in state.values


def test_rejecting_on_resume_writes_nothing(graph, offline_ctx, start, cs_request, store):
    before = store.counts("demo")
    _pending(graph, offline_ctx, start, cs_request)
    graph.invoke(Command(resume="reject"), run_config("t"), context=offline_ctx)
    state = graph.get_state(run_config("t")).values
    assert state["status"] == "rejected" and state["written"] == []
    assert store.counts("demo")["objectives"] == before["objectives"]
    assert "2027-Q1" not in [c.name for c in store.list_cycles("demo")]


def test_accepting_writes_draft_objectives_in_a_new_cycle_aligned_to_the_parent(
        graph, offline_ctx, start, cs_request, store):
    _pending(graph, offline_ctx, start, cs_request)
    graph.invoke(Command(resume={"accept_all": True}), run_config("t"), context=offline_ctx)
    written = graph.get_state(run_config("t")).values["written"]
    stored = store.list_objectives("demo", "2027-Q1", "t-customer-success")
    assert [o.id for o in stored] == written
    assert {o.state for o in stored} == {ObjectiveState.DRAFT}
    links = {(a.child_id, a.parent_id) for a in store.alignments("demo")}
    assert all((oid, RETENTION) in links for oid in written)


def test_stored_drafts_pass_the_critic(graph, offline_ctx, start, cs_request, store):
    _pending(graph, offline_ctx, start, cs_request)
    graph.invoke(Command(resume="accept"), run_config("t"), context=offline_ctx)
    for o in store.list_objectives("demo", "2027-Q1", "t-customer-success"):
        okr = OKRInput(id=o.id, objective=o.title,
                       team=TeamInput(name="Customer Success", function="customer_success"),
                       key_results=[KRInput(text=k.text, baseline=k.baseline, target=k.target,
                                            direction=k.direction.value)
                                    for k in o.key_results])
        assert critique(okr, CritiqueContext(team_objectives=2)).publishable


def test_publish_on_resume_writes_published_objectives(graph, offline_ctx, start, cs_request,
                                                       store):
    _pending(graph, offline_ctx, start, cs_request)
    graph.invoke(Command(resume={"accept_all": True, "publish": True}), run_config("t"),
                 context=offline_ctx)
    stored = store.list_objectives("demo", "2027-Q1", "t-customer-success")
    assert stored and {o.state for o in stored} == {ObjectiveState.PUBLISHED}


def test_each_objective_is_accepted_edited_or_rejected_on_its_own(graph, offline_ctx, start,
                                                                  cs_request, store):
    pending = _pending(graph, offline_ctx, start, cs_request)
    assert len(pending.values["drafts"]) == 2
    decisions = [{"action": "edit", "objective": {"title": "Make big accounts grow with us"}},
                 {"action": "reject"}]
    graph.invoke(Command(resume={"decisions": decisions}), run_config("t"), context=offline_ctx)
    stored = store.list_objectives("demo", "2027-Q1", "t-customer-success")
    assert [o.title for o in stored] == ["Make big accounts grow with us"]
    assert len(stored[0].key_results) == len(pending.values["drafts"][0]["key_results"])


def test_asking_for_one_objective_drafts_one(graph, offline_ctx, start):
    state = _pending(graph, offline_ctx, start, "one objective for Support next quarter").values
    assert len(state["drafts"]) == 1


def test_a_blocked_draft_is_revised_until_it_passes(graph, offline_ctx, start, monkeypatch):
    from agents import drafter
    composed = drafter.compose_offline

    def task_titled(*args, **kwargs):
        drafts = composed(*args, **kwargs)
        drafts[0].title = "Hire and keep great people"  # a task: the critic blocks it
        return drafts

    monkeypatch.setattr(drafter, "compose_offline", task_titled)
    events = list(graph.stream(start("People OKRs for next quarter"), run_config("e"),
                               context=offline_ctx, stream_mode="updates"))
    steps = [next(iter(e)) for e in events]
    assert "revise" in steps and steps.count("critique") >= 2
    drafts = graph.get_state(run_config("e")).values["drafts"]
    assert all(d["critique"]["publishable"] for d in drafts)


MEMORY_TEAMS = {"t-customer-success", "t-product", "t-sales"}
RETRO = ("Customer Success retrospective: keeping and growing the customers we have only "
         "worked where success plans were signed in the kickoff call.")


@pytest.fixture(scope="module")
def memory(tmp_path_factory: pytest.TempPathFactory) -> Memory:
    """The real memory of the demo's closed quarters plus one retrospective.

    Objectives only (no notes), of Customer Success and two other teams, so
    that few texts are embedded and other teams' OKRs are there to be kept out.
    """
    client = chromadb.PersistentClient(path=str(tmp_path_factory.mktemp("chroma")),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    mem = Memory.for_org("demo", client=client, embedder=MiniLMEmbeddingFunction())
    demo = build_demo_org("demo", today=TODAY)
    some_teams = dataclasses.replace(demo, objectives=tuple(
        o for o in demo.objectives if o.team_id in MEMORY_TEAMS))
    ingest_closed_cycles(mem, some_teams, notes=False)
    mem.add(strategy_documents("cs-retro", "2026-Q3 retrospective", RETRO,
                               team="Customer Success", kind=DocKind.RETROSPECTIVE))
    return mem


def test_memory_when_given_adds_similar_okrs_and_lessons_of_the_team_to_the_facts(
        graph, offline_ctx, start, cs_request, memory):
    offline_ctx.memory = memory
    remembered = _pending(graph, offline_ctx, start, cs_request).values["facts"]["memory"]
    okrs = [text for text in remembered if text.startswith("Objective (")]
    assert len(okrs) >= 3
    assert all(text.startswith("Objective (Customer Success, 2026-Q") for text in okrs)
    assert any(RETRO in text for text in remembered)
    assert len(remembered) == len(set(remembered))


def test_without_memory_past_quarters_come_from_the_store(graph, offline_ctx, start,
                                                          cs_request):
    facts = _pending(graph, offline_ctx, start, cs_request).values["facts"]
    assert facts["memory"] == []
    assert {p["cycle"] for p in facts["past"]} == {"2026-Q1", "2026-Q2", "2026-Q3"}
    assert facts["notes"]


def test_the_drafter_is_registered_under_its_name():
    from agents import registry
    from agents.drafter import build

    assert registry.get("drafter").build is build


def test_a_team_with_no_tracked_metrics_is_asked_about_instead_of_invented(graph,
                                                                           offline_ctx, start):
    state = _pending(graph, offline_ctx, start, "OKRs for the Customer department next quarter")
    assert state.values["understood"]["team_id"] == "t-customer"
    assert state.values["status"] == "clarify"
    assert "no tracked metrics" in state.values["question"]
