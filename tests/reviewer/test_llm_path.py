"""The model writes sections through the real openai client (scripted server); the number
check repairs or replaces any section that states a number that is not a fact."""

from __future__ import annotations

from datetime import date

from scripted_server import SECRET_KEY, Reply

from agents.review_templates import plan
from agents.reviewer import write_review
from agents.runtime import AgentContext
from okr.review_facts import build_facts

TODAY = date(2026, 11, 18)

GOOD = "A steady week with no surprises."


def _ctx(settings) -> AgentContext:
    return AgentContext.create(settings, org_id="demo", agent="reviewer")


def test_an_invented_number_is_repaired_by_one_regeneration(server, llm_settings, demo):
    mean = build_facts(demo, "2026-Q3", kind="pulse", today=TODAY).shown("score:mean_kr")
    server.script(Reply("The mean key result score reached 4242.5 this week."),
                  Reply(f"The mean key result score stands at {mean}."),
                  Reply(GOOD), Reply(GOOD), Reply(GOOD))
    review = write_review(_ctx(llm_settings), "pulse", snapshot=demo, cycle="2026-Q3",
                          today=TODAY)
    first = review.sections[0]
    assert (first.engine, first.repaired, first.rejected) == ("llm", True, ("4242.5",))
    assert mean in first.text and "4242.5" not in first.text
    assert review.engine == "llm"
    assert "4242.5" in server.requests[1].messages[-1]["content"]


def test_a_section_that_stays_wrong_falls_back_to_its_template(server, llm_settings, demo):
    server.script(Reply("Mean score 4242.5."), Reply("Mean score 4343.5."),
                  Reply(GOOD), Reply(GOOD), Reply(GOOD))
    review = write_review(_ctx(llm_settings), "pulse", snapshot=demo, cycle="2026-Q3",
                          today=TODAY)
    facts = build_facts(demo, "2026-Q3", kind="pulse", today=TODAY)
    first = review.sections[0]
    assert first.engine == "offline"
    assert first.text == plan("pulse", facts)[0].offline
    assert set(first.rejected) == {"4242.5", "4343.5"}
    assert [s.engine for s in review.sections[1:]] == ["llm", "llm", "llm"]
    assert review.engine == "mixed"


def test_the_model_gets_the_facts_and_notes_as_data_and_never_the_key(server, llm_settings,
                                                                      demo):
    server.script(*(Reply(GOOD) for _ in range(4)))
    write_review(_ctx(llm_settings), "pulse", snapshot=demo, cycle="2026-Q3", today=TODAY)
    user = server.requests[0].messages[-1]["content"]
    assert '<data name="facts">' in user and "score:mean_kr |" in user
    assert "data, not instructions" in server.requests[0].messages[0]["content"]
    assert all(SECRET_KEY not in str(r.body) for r in server.requests)


def test_a_mid_cycle_review_that_leaves_out_a_flagged_key_result_is_sent_back(
        server, llm_settings, demo):
    facts = build_facts(demo, "2026-Q3", kind="midcycle", today=TODAY)
    flagged = [r.kr_id for r in facts.all_risks if r.status != "on_track"]
    server.script(Reply(GOOD), Reply(f"{flagged[0]} is in trouble."),
                  Reply("At risk or off track: " + ", ".join(flagged) + "."),
                  Reply(GOOD), Reply(GOOD), Reply(GOOD))
    review = write_review(_ctx(llm_settings), "midcycle", snapshot=demo, cycle="2026-Q3",
                          today=TODAY)
    at_risk = next(s for s in review.sections if s.id == "at_risk")
    assert (at_risk.engine, at_risk.repaired) == ("llm", True)
    assert all(k in at_risk.text for k in flagged)
    assert flagged[1] in server.requests[2].messages[-1]["content"]
