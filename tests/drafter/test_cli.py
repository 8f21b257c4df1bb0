"""`okr draft` through Typer's runner on a real store seeded with `okr demo` (offline)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import api.commands.draft
import api.commands.store  # noqa: F401  (registers `okr demo`)
from api.cli_app import app
from okr.quality import CritiqueContext, KRInput, OKRInput, TeamInput, critique
from okr.settings import Settings
from okr.store import Store
from tools.okr_reads import team_metrics

Okr = Callable[..., Result]
DONE_WHEN = ("draft next quarter's OKRs for Customer Success that support the company "
             "retention objective")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def okr(data_dir: Path) -> Okr:
    """Runs `okr ARGS` offline with the store under a temporary OKR_DATA_DIR."""
    env = {"OKR_DATA_DIR": str(data_dir), "OKR_DATABASE_URL": "", "OKR_ORG": "demo",
           "COLUMNS": "200", "OKR_LLM_BASE_URL": "", "OKR_LLM_MODEL": "",
           "OPENAI_BASE_URL": "", "OPENAI_MODEL": ""}

    def run(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(app, list(args), env=env, input=input)

    assert run("demo").exit_code == 0
    return run


@pytest.fixture
def stored(data_dir: Path):
    def open_() -> Store:
        return Store(Settings(data_dir=data_dir, database_url=None).store_url)
    return open_


def _next_quarter(store: Store) -> str:
    current = store.current_cycle("demo")
    assert current is not None
    year, q = (int(x) for x in current.name.split("-Q"))
    return f"{year + 1}-Q1" if q == 4 else f"{year}-Q{q + 1}"


def test_done_when_draft_yes_writes_critic_passing_aligned_drafts_with_data_baselines(
        okr: Okr, stored) -> None:
    result = okr("draft", DONE_WHEN, "--yes")
    assert result.exit_code == 0, result.output
    store = stored()
    try:
        cycle = _next_quarter(store)
        written = store.list_objectives("demo", cycle, "t-customer-success")
        retention = next(o for o in store.list_objectives("demo", store.current_cycle("demo").id)
                         if o.title == "Keep and grow the customers we have")
        links = {(a.child_id, a.parent_id) for a in store.alignments("demo")}
        known = {m.kr_id: m for m in team_metrics(store, "demo", "t-customer-success")}
        current = {round(m.current, 6) for m in known.values() if m.current is not None}
    finally:
        store.close()
    assert written
    for o in written:
        okr_in = OKRInput(id=o.id, objective=o.title,
                          team=TeamInput(name="Customer Success", function="customer_success"),
                          key_results=[KRInput(text=k.text, baseline=k.baseline,
                                               target=k.target, direction=k.direction.value)
                                       for k in o.key_results])
        assert critique(okr_in, CritiqueContext(team_objectives=len(written))).publishable
        assert (o.id, retention.id) in links
        assert all(k.baseline is not None and round(k.baseline, 6) in current
                   for k in o.key_results)
    assert "wrote" in result.stdout and "critique round 1" in result.stdout


def test_unknown_team_prints_the_question_and_exits_1(okr: Okr, stored) -> None:
    result = okr("draft", "draft OKRs for the Legal team next quarter", "--json")
    out = json.loads(result.stdout)
    assert result.exit_code == 1
    assert out["status"] == "clarify" and out["question"].startswith("Which team")


def test_interactive_no_rejects_and_writes_nothing(okr: Okr, stored) -> None:
    result = okr("draft", DONE_WHEN, input="n\nn\n")
    assert result.exit_code == 0, result.output
    assert "nothing written" in result.stdout
    store = stored()
    try:
        assert _next_quarter(store) not in [c.name for c in store.list_cycles("demo")]
    finally:
        store.close()


def test_json_without_yes_waits_and_resume_accepts_the_chosen_objectives(okr: Okr,
                                                                         stored) -> None:
    first = json.loads(okr("draft", DONE_WHEN, "--json").stdout)
    assert first["status"] == "awaiting" and first["written"] == []
    done = json.loads(okr("draft", "--resume", first["thread"], "--accept", "1",
                          "--json").stdout)
    assert len(done["written"]) == 1
    assert done["drafts"][0]["title"] == first["drafts"][0]["title"]


def test_from_doc_drafts_company_objectives_for_the_cycle(okr: Okr, stored,
                                                          tmp_path: Path) -> None:
    doc = tmp_path / "strategy.md"
    doc.write_text("# Strategy 2027\n\nWe win by keeping customers.\n\n"
                   "## Keep more of the customers we have\n"
                   "- Net revenue retention to 115%\n- Cut logo churn to 1.5%\n\n"
                   "## Earn the trust of regulated buyers\n"
                   "- Enterprise deals stalled in security review from 9 to 1\n"
                   "- Security questionnaires answered within 3 days from 50% to 95%\n",
                   encoding="utf-8")
    result = okr("draft", "--from-doc", str(doc), "--cycle", "2027-Q1", "--yes", "--json")
    out = json.loads(result.stdout)
    assert result.exit_code == 0, result.stderr
    assert [d["title"] for d in out["drafts"]] == [
        "Keep more of the customers we have", "Earn the trust of regulated buyers"]
    nrr = out["drafts"][0]["key_results"][0]
    assert nrr["metric"] == "Net revenue retention"
    assert nrr["baseline_note"].startswith("baseline from data")
    assert all(d["critique"]["publishable"] for d in out["drafts"])
    store = stored()
    try:
        written = store.list_objectives("demo", "2027-Q1", "t-company")
    finally:
        store.close()
    assert [o.id for o in written] == out["written"]
