"""The risk_radar graph: scan, causes, playbooks, approval, and the decision it records."""

from __future__ import annotations

from datetime import date
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command
from scripted_server import Reply, ScriptedServer

from agents import registry
from agents.checkpoints import open_checkpointer
from agents.runtime import AgentContext, run_config
from okr.quarter import load_quarter
from okr.settings import Settings
from okr.store import Store
from tools.store_reads import cycle_view

AS_OF = date(2026, 11, 20)
ORG = "demo"
START = {"as_of": AS_OF.isoformat(), "limit": 4}
DEPENDENT = "kr-2026q4-13-2"
"""Engineering's key result that waits on Platform's (kr-2026q4-15-2) in the demo."""


def _graph() -> Any:
    return registry.compile_graph("risk_radar", InMemorySaver())


def _pause(graph: Any, ctx: AgentContext, thread: str = "t", **extra: Any) -> dict[str, Any]:
    graph.invoke({**START, **extra}, run_config(thread), context=ctx)
    state = graph.get_state(run_config(thread))
    assert state.next == ("approve",)
    value: dict[str, Any] = state.tasks[0].interrupts[0].value
    return value


def _decisions(store: Store) -> list[Any]:
    return [h for h in store.history(ORG) if h.action == "decided"]


def test_run_pauses_for_approval_with_playbooks_for_each_kr_at_risk(offline_ctx):
    question = _pause(_graph(), offline_ctx)
    assert len(question["key_results"]) == 4
    assert all(k["status"] in ("at_risk", "off_track") for k in question["key_results"])
    assert all(k["options"] for k in question["key_results"])


def test_findings_are_the_riskiest_first(offline_ctx):
    graph = _graph()
    _pause(graph, offline_ctx)
    p = [f["p_miss"] for f in graph.get_state(run_config("t")).values["findings"]]
    assert p == sorted(p, reverse=True)


def test_causes_include_the_dependency_chain_with_owners_and_teams(offline_ctx, store):
    graph = _graph()
    _pause(graph, offline_ctx, kr_ids=[DEPENDENT])
    finding = graph.get_state(run_config("t")).values["findings"][0]
    view = cycle_view(store, ORG, as_of=AS_OF)
    upstream = finding["chain"][0]
    assert upstream["kr_id"] == "kr-2026q4-15-2"
    assert upstream["owner_id"] == view.owner_of("kr-2026q4-15-2")
    assert upstream["team_id"] == "t-platform"


def test_offline_summary_is_written_from_the_reasons_and_flagged_offline(offline_ctx):
    graph = _graph()
    _pause(graph, offline_ctx, kr_ids=[DEPENDENT])
    finding = graph.get_state(run_config("t")).values["findings"][0]
    assert finding["engine"] == "offline"
    assert "a key result it depends on is at risk" in finding["summary"]
    assert "kr-2026q4-15-2" in finding["summary"]


def test_nothing_is_written_before_approval(offline_ctx, store):
    before = len(store.history(ORG))
    _pause(_graph(), offline_ctx)
    assert len(store.history(ORG)) == before


def test_approval_records_the_chosen_playbook_as_a_decision_with_actor_and_reason(
        offline_ctx, store):
    graph = _graph()
    _pause(graph, offline_ctx, kr_ids=[DEPENDENT])
    final = graph.invoke(Command(resume={
        "approved": True, "actor": "p-01", "reason": "weekly risk review",
        "choices": {DEPENDENT: "escalate_dependency"}}), run_config("t"), context=offline_ctx)
    assert final["status"] == "recorded"
    [entry] = _decisions(store)
    assert (entry.entity_id, entry.actor, entry.reason) == (DEPENDENT, "p-01",
                                                            "weekly risk review")
    assert entry.after is not None and entry.after["playbook"] == "escalate_dependency"


def test_rejection_writes_nothing(offline_ctx, store):
    graph = _graph()
    _pause(graph, offline_ctx)
    before = len(store.history(ORG))
    final = graph.invoke(Command(resume={"approved": False, "choices": {DEPENDENT: "retire_kr"}}),
                         run_config("t"), context=offline_ctx)
    assert final["status"] == "rejected"
    assert len(store.history(ORG)) == before


def test_a_kr_left_without_a_choice_gets_no_decision(offline_ctx, store):
    graph = _graph()
    question = _pause(graph, offline_ctx)
    graph.invoke(Command(resume={"approved": True, "actor": "p-01",
                                 "choices": {k["id"]: None for k in question["key_results"]}}),
                 run_config("t"), context=offline_ctx)
    assert _decisions(store) == []


def test_a_choice_that_was_not_proposed_is_ignored_and_reported(offline_ctx, store):
    graph = _graph()
    _pause(graph, offline_ctx, kr_ids=[DEPENDENT])
    final = graph.invoke(Command(resume={"approved": True, "actor": "p-01",
                                         "choices": {DEPENDENT: "buy_a_boat"}}),
                         run_config("t"), context=offline_ctx)
    assert _decisions(store) == [] and "buy_a_boat" in final["ignored"][0]


def test_a_run_with_nothing_at_risk_ends_without_asking(offline_ctx):
    graph = _graph()
    final = graph.invoke({**START, "kr_ids": ["no-such-kr"]}, run_config("t"),
                         context=offline_ctx)
    assert final["status"] == "clear" and graph.get_state(run_config("t")).next == ()


def test_run_is_resumed_from_the_sqlite_checkpoint_by_a_fresh_graph(settings, store):
    with open_checkpointer(settings) as saver:
        graph = registry.compile_graph("risk_radar", saver)
        graph.invoke({**START, "kr_ids": [DEPENDENT]}, run_config("cp"),
                     context=AgentContext.create(settings, llm=None, store=store))
    with open_checkpointer(settings) as saver:
        graph = registry.compile_graph("risk_radar", saver)
        final = graph.invoke(Command(resume={"approved": True, "actor": "p-01",
                                             "choices": {DEPENDENT: "rescope_dependency"}}),
                             run_config("cp"),
                             context=AgentContext.create(settings, llm=None, store=store))
    assert final["decisions"][0]["playbook"] == "rescope_dependency"
    assert len(_decisions(store)) == 1


def test_a_quarter_file_is_scanned_without_a_store_and_nothing_is_recorded(settings):
    from pathlib import Path

    quarter = load_quarter(Path(__file__).resolve().parents[2] / "evals" / "data"
                           / "risk-dev" / "q01.json")
    ctx = AgentContext.create(settings, llm=None, store=None)
    graph = _graph()
    graph.invoke({"quarter": quarter.model_dump(mode="json"), "limit": 1}, run_config("q"),
                 context=ctx)
    question = graph.get_state(run_config("q")).tasks[0].interrupts[0].value
    kr = question["key_results"][0]
    final = graph.invoke(Command(resume={"approved": True, "actor": "me",
                                         "choices": {kr["id"]: kr["options"][0]["id"]}}),
                         run_config("q"), context=ctx)
    assert final["decisions"][0]["recorded"] is False


def test_model_writes_the_root_cause_from_notes_sent_as_data(
        server: ScriptedServer, llm_ctx: AgentContext):
    summary = ("Engineering's work waits on Platform's migration (kr-2026q4-15-2); "
               "the notes name the data-warehouse migration as the blocker.")
    server.script(Reply({"summary": summary}))
    graph = _graph()
    graph.invoke({**START, "kr_ids": [DEPENDENT]}, run_config("m"), context=llm_ctx)
    finding = graph.get_state(run_config("m")).values["findings"][0]
    assert (finding["summary"], finding["engine"]) == (summary, "llm")
    system, user = server.requests[0].messages
    assert "data, not instructions" in system["content"]
    assert '<data name="notes">' in user["content"]
    assert "data-warehouse migration" in user["content"].split('<data name="notes">')[1]


def test_a_model_summary_citing_numbers_not_in_the_data_is_replaced_offline(
        server: ScriptedServer, llm_ctx: AgentContext):
    server.script(Reply({"summary": "The team lost 37.5 engineers to attrition last month."}))
    graph = _graph()
    graph.invoke({**START, "kr_ids": [DEPENDENT]}, run_config("m"), context=llm_ctx)
    finding = graph.get_state(run_config("m")).values["findings"][0]
    assert finding["engine"] == "offline" and "37.5" not in finding["summary"]


def test_registry_describes_the_risk_radar(settings: Settings):
    assert "playbook" in registry.get("risk_radar").description


def test_grounding_compares_numbers_as_written_not_as_prefixes():
    from agents.risk import _grounded

    assert _grounded("p_miss 0.90 after 10 days", "p_miss 0.9, quiet for 10 days") == []
    assert _grounded("100 customers lost", "1 customer lost") == ["100"]
