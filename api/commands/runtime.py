"""`okr llm` and `okr agents`: the language runtime's settings, a metered ping, the agents.

`okr llm` shows the model settings (never the key), and with `--ping` makes
one metered structured call: it prints which engine answered (the model, or
the offline engine when none is configured or it cannot be reached) and the
run's token report. `okr agents` lists the registered agent graphs. The
agents layer is imported inside the commands, so other commands start fast.
"""

from __future__ import annotations

from pydantic import BaseModel
from rich.table import Table

from api.cli_app import app, console
from okr.settings import Settings

__all__ = ["agents_command", "llm_command"]


class Pong(BaseModel):
    """The answer to a ping."""

    ok: bool
    model: str = ""


@app.command("llm")
def llm_command(ping: bool = False) -> None:
    """Show the language model settings; with --ping, call the model once and meter it."""
    from agents.checkpoints import postgres_conninfo
    from agents.llm import build_client
    from agents.prompts import render
    from agents.runtime import AgentContext

    settings = Settings()
    client = build_client(settings)
    table = Table(title="language runtime", show_header=False)
    table.add_row("engine", "llm" if client else "offline (no model configured)")
    table.add_row("base URL", settings.llm_base_url or "(OpenAI default)" if client else "-")
    table.add_row("model", client.model if client else "-")
    table.add_row("API key", "set" if settings.llm_api_key else "not set")
    table.add_row(
        "timeout / retries / time budget",
        f"{settings.llm_timeout_s}s / {settings.llm_max_retries} / {settings.llm_total_budget_s}s",
    )
    table.add_row(
        "token budgets (run / organisation per month)",
        f"{settings.llm_run_token_budget} / {settings.llm_org_token_budget}",
    )
    backend = "postgres" if postgres_conninfo(settings.store_url) else "sqlite"
    table.add_row("checkpoints", backend)
    console.print(table)
    if not ping:
        return
    ctx = AgentContext.create(settings, llm=client, agent="runtime")
    pong, engine = ctx.language(
        "ping",
        llm=lambda model: model.structured(
            Pong, system=render("runtime", "ping_system"), user=render("runtime", "ping_user")
        ),
        offline=lambda: Pong(ok=True, model="offline"),
    )
    console.print(f"engine: {engine} · answer: ok={pong.ok}", highlight=False)
    for fallback in ctx.fallbacks:
        console.print(f"fell back at {fallback.step}: {fallback.reason}", highlight=False)
    console.print(ctx.meter.token_report(), highlight=False, markup=False)


@app.command("agents")
def agents_command() -> None:
    """List the registered agent graphs."""
    from agents import registry

    table = Table("agent", "description")
    for spec in registry.agents():
        table.add_row(spec.name, spec.description)
    console.print(table)
