"""`okr risk`, `okr playbooks`, `okr nudge`: the risk radar and what follows from it.

`okr risk FILE --json` prints exactly the object of docs/spec/risk.md; with
a FILE and no `--json`, a radar table sorted by p_miss. Without a FILE it
scans the store's current cycle (or `--cycle`) of the organisation
(`--org`, default OKR_ORG) as of `--as-of` (default today). `okr playbooks
KR` lists the recovery options for one key result, with next steps and who
should act. `okr nudge` messages owners of stale key results (capped per
person per week), through the log or, with `--slack`, the webhook in
OKR_SLACK_WEBHOOK_URL; `--dry-run` shows them and sends nothing. User
mistakes (`OKRError`) are a message and exit code 2.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from api.cli_app import app, console, err_console
from api.commands.store import open_store
from okr.errors import OKRError, ValidationError
from okr.quarter import parse_quarter
from okr.risk import RiskReport, assess_quarter
from okr.settings import Settings
from tools.store_reads import CycleView, cycle_view

__all__ = ["nudge", "playbooks", "radar", "radar_approve", "radar_table", "risk"]

STATUS_STYLE = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}
ORG_OPTION = typer.Option(None, "--org", help="Organisation id (default: OKR_ORG).")
CYCLE_OPTION = typer.Option(None, "--cycle", help="Cycle id or name (default: current).")
AS_OF_OPTION = typer.Option(None, "--as-of", help="Date to read the cycle at (YYYY-MM-DD).")

def radar_table(report: RiskReport, view: CycleView | None = None, title: str | None = None
                ) -> Table:
    """Key results by p_miss, highest first, with status colour, forecast and reasons."""
    table = Table(title=title or f"Risk radar as of {report.as_of.isoformat()}")
    table.add_column("key result")
    if view is not None:
        table.add_column("owner")
    table.add_column("status")
    table.add_column("p_miss", justify="right")
    table.add_column("forecast", justify="right")
    table.add_column("reasons")
    for kr in sorted(report.key_results, key=lambda k: (-k.p_miss, k.id)):
        style = STATUS_STYLE[kr.status]
        owner = [view.person_name(view.owner_of(kr.id))] if view is not None else []
        table.add_row(kr.id, *owner, f"[{style}]{kr.status}[/]", f"{kr.p_miss:.2f}",
                      f"{kr.forecast:.2f}", ", ".join(kr.reasons) or "-")
    return table


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"--as-of {text!r} is not a date (YYYY-MM-DD)") from None


@app.command()
def risk(
    file: Path | None = typer.Argument(None, help="Quarter file (JSON) of docs/spec/risk.md; "
                                       "without it, the store's current cycle."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON contract."),
    org: str | None = ORG_OPTION,
    cycle: str | None = CYCLE_OPTION,
    as_of: str | None = AS_OF_OPTION,
) -> None:
    """Which key results will miss: p_miss, forecast, status and reasons per key result."""
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"{file}: cannot read the quarter file ({exc})") from exc
        report = assess_quarter(parse_quarter(text, source=str(file)))
        if as_json:
            typer.echo(json.dumps(report.to_contract(), indent=1, ensure_ascii=False))
        else:
            console.print(radar_table(report))
        return
    with open_store(org) as (store, org_id):
        view = cycle_view(store, org_id, cycle, _date(as_of))
        report = assess_quarter(view.quarter)
        if as_json:
            typer.echo(json.dumps(report.to_contract(), indent=1, ensure_ascii=False))
            return
        title = (f"Risk radar of {org_id}, {view.cycle.name}, as of "
                 f"{view.as_of.isoformat()}")
        console.print(radar_table(report, view, title))
        counts = {s: sum(k.status == s for k in report.key_results) for s in STATUS_STYLE}
        console.print(", ".join(f"{n} {s}" for s, n in counts.items())
                      + (f"; {len(view.skipped)} key results not tracked (draft, in review, "
                         "retired or no target)" if view.skipped else ""))


@app.command()
def playbooks(
    kr: str = typer.Argument(..., help="Key result id."),
    as_json: bool = typer.Option(False, "--json", help="Print the options as JSON."),
    org: str | None = ORG_OPTION,
    as_of: str | None = AS_OF_OPTION,
) -> None:
    """Recovery options for one key result: next steps and who should act."""
    from agents.playbooks import as_json as playbooks_json
    from agents.playbooks import propose

    with open_store(org) as (store, org_id):
        key_result = store.get_key_result(org_id, kr)
        cycle_id = store.get_objective(org_id, key_result.objective_id).cycle_id
        view = cycle_view(store, org_id, cycle_id, _date(as_of))
        index = {k.id: k for k in assess_quarter(view.quarter).key_results}
        if kr not in index:
            raise ValidationError(f"key result {kr!r} is not tracked by the radar (its objective"
                                  " is a draft, in review or retired, or it has no target)")
        reading = index[kr]
        options = propose(reading, view, index)
        if as_json:
            typer.echo(json.dumps({**reading.to_contract(), "playbooks": playbooks_json(options)},
                                  indent=1, ensure_ascii=False))
            return
        style = STATUS_STYLE[reading.status]
        console.print(f"[bold]{kr}[/] {view.key_results[kr].text}", highlight=False)
        console.print(f"[{style}]{reading.status}[/] p_miss {reading.p_miss:.2f}, forecast "
                      f"{reading.forecast:.2f}: {reading.explanation}", highlight=False)
        if not options:
            console.print("No recovery playbook fits: nothing the radar flags needs one.")
        for n, p in enumerate(options, start=1):
            console.print(f"\n[bold]{n}. {p.title}[/] [dim]({p.id}; because "
                          f"{', '.join(p.why)})[/]", highlight=False)
            for step in p.steps:
                console.print(f"   - {step}", highlight=False)
            who = "; ".join(f"{a.person_name} ({a.role.replace('_', ' ')}, {a.team_name})"
                            for a in p.actors)
            console.print(f"   who: {who}", highlight=False)


@app.command()
def nudge(
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the nudges; send nothing."),
    slack: bool = typer.Option(False, "--slack", help="Send through OKR_SLACK_WEBHOOK_URL."),
    as_json: bool = typer.Option(False, "--json", help="Print what was planned/sent as JSON."),
    org: str | None = ORG_OPTION,
    cycle: str | None = CYCLE_OPTION,
    as_of: str | None = AS_OF_OPTION,
) -> None:
    """Message owners of stale key results (no check-in for 14+ days), capped per week."""
    from agents.nudges import describe, plan_nudges, send_nudges
    from tools.notifiers import LogNotifier, Notifier, SlackWebhookNotifier

    settings = Settings()

    with open_store(org) as (store, org_id):
        notifier: Notifier = LogNotifier()
        if slack:
            if settings.slack_webhook_url is None \
                    or not settings.slack_webhook_url.get_secret_value().strip():
                raise ValidationError("--slack needs OKR_SLACK_WEBHOOK_URL (a Slack-compatible "
                                      "incoming webhook)")
            notifier = SlackWebhookNotifier(settings.slack_webhook_url)
        view = cycle_view(store, org_id, cycle, _date(as_of))
        report = assess_quarter(view.quarter)
        plan = plan_nudges(store, view, report, settings.nudge_max_per_week)
        if dry_run:
            if as_json:
                typer.echo(json.dumps({"dry_run": True, "to_send": describe(plan.to_send),
                                       "held_back": describe(plan.held_back)},
                                      indent=1, ensure_ascii=False))
                return
            for n in plan.to_send:
                console.print(f"[bold]to {n.person_name}[/] ({n.person_id}): "
                              f"{n.notification.text}", highlight=False)
            console.print(f"dry run: {len(plan.to_send)} nudge(s) would be sent, "
                          f"{len(plan.held_back)} held back by the weekly cap of "
                          f"{settings.nudge_max_per_week}")
            return
        result = send_nudges(store, org_id, plan, notifier, actor="okr nudge")
        if as_json:
            typer.echo(json.dumps({"dry_run": False, "channel": notifier.name,
                                   "sent": describe(result.sent),
                                   "held_back": describe(result.held_back),
                                   "failed": [{"kr_id": n.kr_id, "person_id": n.person_id,
                                               "error": e} for n, e in result.failed]},
                                  indent=1, ensure_ascii=False))
        else:
            for n in result.sent:
                console.print(f"[bold]sent to {n.person_name}[/] via {notifier.name}: "
                              f"{n.notification.text}", highlight=False)
            console.print(f"{len(result.sent)} sent via {notifier.name}, "
                          f"{len(result.held_back)} held back by the weekly cap, "
                          f"{len(result.failed)} failed")
        if result.failed:
            raise OKRError(f"{len(result.failed)} nudge(s) could not be delivered: "
                           f"{result.failed[0][1]}")


def _print_question(question: dict[str, object], thread: str) -> None:
    items = question.get("key_results")
    for k in items if isinstance(items, list) else []:
        style = STATUS_STYLE.get(str(k["status"]), "white")
        console.print(f"\n[bold]{k['id']}[/] [{style}]{k['status']}[/] p_miss "
                      f"{float(k['p_miss']):.2f} [dim]({k['engine']})[/]", highlight=False)
        console.print(f"  {k['summary']}", highlight=False)
        for option in k["options"]:
            who = ", ".join(a["person_name"] for a in option["actors"])
            console.print(f"  - {option['id']}: {option['title']} (who: {who})", highlight=False)
    console.print(f"\nthread {thread}: approve with `okr radar-approve {thread} --choose "
                  "KR=PLAYBOOK --actor PERSON`, or reject with `--reject`; nothing is "
                  "recorded until then.", highlight=False)


@app.command()
def radar(
    org: str | None = ORG_OPTION,
    cycle: str | None = CYCLE_OPTION,
    as_of: str | None = AS_OF_OPTION,
    limit: int = typer.Option(10, "--limit", min=1, help="Key results to trace, riskiest first."),
    kr: list[str] = typer.Option([], "--kr", help="Only these key results (repeatable)."),
    thread: str | None = typer.Option(None, "--thread", help="Thread id (default: new)."),
) -> None:
    """Run the risk radar agent: causes and playbooks for key results at risk, then wait."""
    import uuid

    from agents.checkpoints import open_checkpointer
    from agents.registry import compile_graph
    from agents.runtime import AgentContext, run_config

    settings = Settings()

    with open_store(org) as (store, org_id):
        day = _date(as_of)
        thread_id = thread or f"risk-{uuid.uuid4().hex[:10]}"
        ctx = AgentContext.create(settings, org_id=org_id, store=store, agent="risk_radar")
        with open_checkpointer(settings) as saver:
            graph = compile_graph("risk_radar", saver)
            start = {"cycle": cycle, "as_of": day.isoformat() if day else None,
                     "limit": limit, "kr_ids": kr or None}
            graph.invoke(start, run_config(thread_id), context=ctx)
            state = graph.get_state(run_config(thread_id))
        if not state.next:
            console.print("No key result is at risk: nothing to decide.")
            return
        _print_question(state.tasks[0].interrupts[0].value, thread_id)


@app.command("radar-approve")
def radar_approve(
    thread: str = typer.Argument(..., help="The thread `okr radar` printed."),
    choose: list[str] = typer.Option([], "--choose", help="KR=PLAYBOOK (repeatable)."),
    actor: str | None = typer.Option(None, "--actor", help="Who decides (a person id)."),
    reason: str | None = typer.Option(None, "--reason", help="Why (recorded with it)."),
    reject: bool = typer.Option(False, "--reject", help="Record nothing and close the run."),
    org: str | None = ORG_OPTION,
) -> None:
    """Answer a paused radar run: record the chosen playbooks as decisions, or reject."""
    from langgraph.types import Command

    from agents.checkpoints import open_checkpointer
    from agents.registry import compile_graph
    from agents.runtime import AgentContext, run_config

    settings = Settings()

    with open_store(org) as (store, org_id):
        choices: dict[str, str] = {}
        for item in choose:
            kr_id, sep, playbook = item.partition("=")
            if not sep or not kr_id.strip() or not playbook.strip():
                raise ValidationError(f"--choose {item!r} is not KR=PLAYBOOK")
            choices[kr_id.strip()] = playbook.strip()
        if not reject and (not choices or not actor):
            raise ValidationError("approve with at least one --choose KR=PLAYBOOK and --actor,"
                                  " or pass --reject")
        ctx = AgentContext.create(settings, org_id=org_id, store=store, agent="risk_radar",
                                  llm=None)
        with open_checkpointer(settings) as saver:
            graph = compile_graph("risk_radar", saver)
            state = graph.get_state(run_config(thread))
            if state.next != ("approve",):
                raise ValidationError(f"thread {thread!r} is not waiting for an approval")
            final = graph.invoke(Command(resume={"approved": not reject, "choices": choices,
                                                 "actor": actor, "reason": reason}),
                                 run_config(thread), context=ctx)
        if final.get("status") == "rejected":
            console.print("Rejected: nothing recorded.")
            return
        for d in final.get("decisions", []):
            console.print(f"recorded on {d['kr_id']}: {d['title']} ({d['playbook']})",
                          highlight=False)
        for problem in final.get("ignored", []):
            err_console.print(f"[yellow]ignored:[/] {problem}", highlight=False)
