"""`okr draft`: draft OKRs from plain language (or a strategy document), approve, write.

    okr draft "draft next quarter's OKRs for Customer Success that support the
               company retention objective" [--team --cycle --parent] [--json] [--yes]
    okr draft --from-doc strategy.md --cycle 2027-Q1

It runs the drafter graph (agents/drafter.py), showing each step as it
streams (understanding, context gathered, draft, critique rounds), prints
the drafts with the critic's verdict, then asks for approval per objective
(`--yes` accepts all) and writes the accepted ones as drafts (`--publish`:
published when the critic passes them). When the request names no known
team or cycle it prints the clarifying question and exits 1. With `--json`
the progress goes to standard error and one JSON object to standard output;
without `--yes` nothing is written then, and the pending thread can be
finished later with `--resume THREAD --accept all|1,3`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from api.cli_app import app, console, err_console
from api.commands.memory import open_org_memory
from api.commands.store import ORG_OPTION, open_store
from okr.errors import ValidationError
from okr.settings import Settings

if TYPE_CHECKING:
    from agents.registry import CompiledGraph
    from agents.runtime import AgentContext

__all__ = ["draft_command"]

_STEP_LABEL = {
    "understand": "understanding the request",
    "gather": "gathering context",
    "draft": "drafting",
    "critique": "critiquing",
    "revise": "revising",
    "approve": "awaiting approval",
    "write": "writing",
}


def _describe(node: str, update: dict[str, Any]) -> str:
    if node == "understand":
        u = update.get("understood", {})
        if update.get("status") == "clarify":
            return "understood: needs clarification"
        parts = [f"team {u.get('team_name')}", f"cycle {(u.get('cycle') or {}).get('name')}"]
        if u.get("parent_title"):
            parts.append(f"supports '{u['parent_title']}'")
        return "understood: " + ", ".join(parts) + f" ({update.get('engine')})"
    if node == "gather":
        f = update.get("facts", {})
        return (f"context gathered: {len(f.get('metrics', []))} metrics, "
                f"{len(f.get('past', []))} past objectives, {len(f.get('notes', []))} closing "
                f"notes, {len(f.get('memory', []))} memories")
    if node == "draft":
        return f"drafted {len(update.get('drafts', []))} objectives ({update.get('engine')})"
    if node == "critique":
        drafts = update.get("drafts", [])
        ok = sum(1 for d in drafts if (d.get("critique") or {}).get("publishable"))
        return f"critique round {update.get('round')}: {ok}/{len(drafts)} pass"
    if node == "revise":
        return f"revised the blocked drafts ({update.get('engine')})"
    if node == "approve":
        decisions = update.get("decisions", [])
        kept = sum(1 for d in decisions if d.get("action") in ("accept", "edit"))
        return f"approval: {kept} of {len(decisions)} objectives accepted"
    if node == "write":
        return f"wrote {len(update.get('written', []))} objectives"
    return node


def _run(graph: CompiledGraph, payload: Any, config: Any, ctx: AgentContext,
         out: Console) -> dict[str, Any] | None:
    """Stream the graph, printing steps; return the approval payload if it stopped there."""
    pending: dict[str, Any] | None = None
    with out.status("working...") as status:
        for event in graph.stream(payload, config, context=ctx, stream_mode="updates"):
            for node, update in event.items():
                if node == "__interrupt__":
                    pending = update[0].value
                    out.print("[cyan]•[/] awaiting approval", highlight=False)
                    continue
                out.print(f"[cyan]•[/] {_describe(node, update or {})}", highlight=False)
                status.update(_STEP_LABEL.get(node, node) + "...")
    return pending


def _show(drafts: list[dict[str, Any]], out: Console) -> None:
    for n, d in enumerate(drafts, start=1):
        c = d.get("critique") or {}
        verdict = "[green]passes the critic[/]" if c.get("publishable") else "[red]blocked[/]"
        body = Table.grid(padding=(0, 1))
        body.add_column(no_wrap=True)
        body.add_column()
        for k in d["key_results"]:
            body.add_row("KR", Text(k["text"], style="bold"))
            body.add_row("", Text(f"{k['baseline_note']}; {k['target_note']}", style="dim"))
        for f in c.get("findings", []):
            style = "red" if f["severity"] == "error" else "yellow"
            body.add_row(Text(f["severity"], style=style), Text(f"{f['code']}: {f['message']}"))
        if d.get("parent_id"):
            body.add_row("aligns", Text(str(d["parent_id"])))
        out.print(Panel(body, title=f"{n}. {d['title']}  score {c.get('score', '?')}/100  "
                                    f"{verdict}", title_align="left"))


def _ask(drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    decisions = []
    for n, d in enumerate(drafts, start=1):
        ok = typer.confirm(f"Accept objective {n} ({d['title']})?", default=True,
                           err=True)
        decisions.append({"action": "accept" if ok else "reject"})
    return decisions


def _chosen(accept: str, n: int) -> list[dict[str, Any]]:
    if accept.strip().lower() == "all":
        return [{"action": "accept"}] * n
    try:
        picked = {int(x) for x in accept.replace(" ", "").split(",") if x}
    except ValueError:
        raise ValidationError(f"--accept takes 'all' or numbers like 1,3, not {accept!r}") \
            from None
    return [{"action": "accept" if i in picked else "reject"} for i in range(1, n + 1)]


@app.command("draft")
def draft_command(
    request: str | None = typer.Argument(None, help="What to draft, in plain words."),
    team: str | None = typer.Option(None, "--team", help="The team (name or function)."),
    cycle: str | None = typer.Option(None, "--cycle", help="The cycle, e.g. 2027-Q1."),
    parent: str | None = typer.Option(None, "--parent",
                                      help="Objective or key result to support (id or words)."),
    from_doc: Path | None = typer.Option(None, "--from-doc", help="Draft company objectives "
                                         "from a plain-text or Markdown strategy document."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object on standard output."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Accept every draft."),
    publish: bool = typer.Option(False, "--publish", help="Write accepted drafts that pass "
                                 "the critic as published, not draft."),
    resume: str | None = typer.Option(None, "--resume", metavar="THREAD",
                                      help="Finish a run that stopped at approval."),
    accept: str = typer.Option("all", "--accept", help="With --resume: 'all' or e.g. 1,3."),
    use_memory: bool = typer.Option(True, "--memory/--no-memory",
                                    help="Use the vector memory when it has been built."),
    org: str | None = ORG_OPTION,
) -> None:
    """Draft OKRs from a request or a strategy document; approve and write them."""
    from agents.checkpoints import open_checkpointer
    from agents.drafter import build
    from agents.runtime import AgentContext, run_config

    if request is None and from_doc is None and resume is None and team is None:
        err_console.print("[bold red]error:[/] give a REQUEST (or --team), --from-doc FILE "
                          "or --resume", highlight=False)
        raise typer.Exit(2)
    document: str | None = None
    if from_doc is not None:
        try:
            document = from_doc.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            err_console.print(f"[bold red]error:[/] cannot read {from_doc}: "
                              f"{exc.__class__.__name__}", highlight=False)
            raise typer.Exit(2) from None
    out = err_console if as_json else console
    settings = Settings()
    with open_store(org) as (store, org_id), open_checkpointer(settings) as saver:
        ctx = AgentContext.create(settings, org_id=org_id, agent="drafter", store=store,
                                  memory=open_org_memory(settings, org_id, purpose="drafting")
                                  if use_memory else None)
        graph = build(saver)
        thread = resume or f"draft-{ctx.run_id}"
        config = run_config(thread)
        if resume is not None:
            state = graph.get_state(config)
            pending_drafts = state.values.get("drafts", []) if state.next else None
            if not pending_drafts:
                raise ValidationError(f"no draft run {resume!r} is waiting for approval")
            decisions = _chosen(accept, len(pending_drafts))
            _run(graph, _resume(decisions, publish), config, ctx, out)
        else:
            payload = {"request": request or "", "team": team, "cycle": cycle,
                       "parent": parent, "document": document, "publish": publish,
                       "actor": "okr draft"}
            pending = _run(graph, payload, config, ctx, out)
            if pending is not None:
                if not as_json:
                    _show(pending["drafts"], out)
                if yes:
                    _run(graph, _resume([{"action": "accept"}] * len(pending["drafts"]),
                                        publish), config, ctx, out)
                elif not as_json:
                    _run(graph, _resume(_ask(pending["drafts"]), publish), config, ctx, out)
        values = graph.get_state(config).values
    _report(values, ctx, thread, as_json)


def _resume(decisions: list[dict[str, Any]], publish: bool) -> Any:
    from langgraph.types import Command

    return Command(resume={"decisions": decisions, "publish": publish})


def _report(values: dict[str, Any], ctx: AgentContext, thread: str, as_json: bool) -> None:
    understood = values.get("understood", {})
    status = values.get("status")
    if status == "drafted":
        status = "awaiting"
    result = {
        "status": status, "question": values.get("question"), "thread": thread,
        "team": understood.get("team_name"), "cycle": (understood.get("cycle") or {}).get("name"),
        "parent": understood.get("parent_id"), "assumptions": understood.get("assumptions", []),
        "drafts": values.get("drafts", []), "written": values.get("written", []),
        "engine": ctx.engine, "llm_calls": len(ctx.meter.calls),
        "tokens": ctx.meter.run_tokens,
    }
    if as_json:
        typer.echo(json.dumps(result, default=str))
    else:
        for note in result["assumptions"]:
            console.print(f"[yellow]note:[/] {note}", highlight=False)
        if status == "clarify":
            console.print(f"[bold yellow]question:[/] {result['question']}", highlight=False)
        elif result["written"]:
            console.print(f"[green]wrote[/] {', '.join(result['written'])} to "
                          f"{result['cycle']}", highlight=False)
        elif status == "rejected":
            console.print("nothing written: every draft was rejected", highlight=False)
        console.print(f"engine {result['engine']} · {result['llm_calls']} LLM calls · "
                      f"{result['tokens']} tokens", highlight=False)
    if status == "clarify":
        raise typer.Exit(1)
