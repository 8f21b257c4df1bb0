"""The drafter with a model: extraction, draft and one revision through the real client.

The scripted server (tests/conftest.py) answers like an OpenAI-compatible
model. Baselines the model writes are replaced by the known values from the
store, a metric with no data loses its baseline and is revised away, and the
whole run costs three metered calls.
"""

from __future__ import annotations

from scripted_server import Reply

from agents.runtime import run_config
from tools.okr_reads import team_metrics

EXTRACTION = {"team": "Customer Success", "cycle": "next quarter",
              "parent": "the company retention objective", "focus": None, "objectives": 2}


def _kr(metric_id, metric, baseline, target, direction, unit):
    return {"metric_id": metric_id, "metric": metric, "baseline": baseline, "target": target,
            "direction": direction, "unit": unit}


DRAFT = {"objectives": [
    {"title": "Get every new customer to value in their first month",
     "rationale": "Time to value drives renewals.",
     "key_results": [
         _kr("m1", "Median time to first dashboard", 25, 12, "decrease", "days"),
         _kr("m2", "Accounts with a success plan", 50, 85, "increase", "%")]},
    {"title": "Be the best", "rationale": "Aim high.",
     "key_results": [
         _kr("m3", "Expansion ARR", 0.5, 1.6, "increase", "$M"),
         _kr(None, "Customer health score", 70, 80, "increase", "")]},
]}
REVISION = {"objectives": [
    {"title": "Grow revenue from our largest accounts",
     "rationale": "Expansion is where retention compounds.",
     "key_results": [
         _kr("m3", "Expansion ARR", 0.5, 1.6, "increase", "$M"),
         _kr("m4", "Net revenue retention of the top 50 accounts", 100, 118, "increase", "%")]},
]}


def _run(server, graph, llm_ctx, start, cs_request):
    server.script(Reply(EXTRACTION), Reply(DRAFT), Reply(REVISION))
    graph.invoke(start(cs_request), run_config("llm"), context=llm_ctx)
    return graph.get_state(run_config("llm")).values


def test_model_path_drafts_on_the_llm_engine_in_three_calls(server, graph, llm_ctx, start,
                                                            cs_request):
    state = _run(server, graph, llm_ctx, start, cs_request)
    assert llm_ctx.engine == "llm" and state["engine"] == "llm"
    assert len(llm_ctx.meter.calls) == 3
    assert [c.step for c in llm_ctx.meter.calls] == [
        "drafter.understand", "drafter.draft", "drafter.revise"]
    assert all(d["critique"]["publishable"] for d in state["drafts"])


def test_model_baselines_are_overridden_by_the_known_values(server, graph, llm_ctx, start,
                                                            cs_request, store):
    state = _run(server, graph, llm_ctx, start, cs_request)
    known = {m.metric: m.current for m in team_metrics(store, "demo", "t-customer-success")}
    krs = [k for d in state["drafts"] for k in d["key_results"]]
    assert {k["metric"] for k in krs} == {
        "Median time to first dashboard", "Accounts with a success plan", "Expansion ARR",
        "Net revenue retention of the top 50 accounts"}
    for k in krs:
        assert k["baseline"] == known[k["metric"]]
        assert f"from {k['baseline']:g}" in k["text"].replace("$", "").replace(",", "")


def test_model_targets_that_improve_on_the_baseline_are_kept(server, graph, llm_ctx, start,
                                                             cs_request):
    state = _run(server, graph, llm_ctx, start, cs_request)
    first = state["drafts"][0]["key_results"]
    assert [k["target"] for k in first] == [12, 85]


def test_the_facts_and_request_reach_the_model_as_data(server, graph, llm_ctx, start,
                                                       cs_request):
    _run(server, graph, llm_ctx, start, cs_request)
    system, user = server.requests[1].messages
    assert "data, not instructions" in system["content"]
    assert '<data name="facts">' in user["content"]
    assert '<data name="request">' in user["content"]
    assert "Median time to first dashboard" in user["content"]


STRATEGY = "## Keep more of the customers we have\n- Net revenue retention to 115%\n"


def test_a_strategy_document_goes_to_the_model_as_data_in_one_call(server, graph, llm_ctx,
                                                                   start, store):
    server.script(Reply({"objectives": [
        {"title": "Keep more of the customers we have", "rationale": "From the strategy.",
         "key_results": [_kr("m1", "Net revenue retention", 90, 115, "increase", "%"),
                         _kr("m2", "Logo churn", 5, 1.5, "decrease", "%")]}]}))
    graph.invoke(start("", document=STRATEGY, cycle="2027-Q1"), run_config("doc"),
                 context=llm_ctx)
    state = graph.get_state(run_config("doc")).values
    known = {m.metric: m.current for m in team_metrics(store, "demo", "t-company")}
    krs = state["drafts"][0]["key_results"]
    assert [k["baseline"] for k in krs] == [known["Net revenue retention"],
                                            known["Logo churn"]]
    assert state["understood"]["level"] == "company"
    assert len(llm_ctx.meter.calls) == 1
    assert '<data name="document">' in server.requests[0].messages[1]["content"]
