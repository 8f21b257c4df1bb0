"""`okr review`: a weekly pulse, mid-cycle review, QBR or retrospective from the live data.

Reads the organisation from the store, writes the review with the reviewer
agent (the configured model, or the offline templates) and prints it or
writes it to `--out`. Unknown cycles, teams or kinds are user errors: a
message and exit code 2.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from api.cli_app import app, console
from api.commands.memory import open_org_memory
from api.commands.store import ORG_OPTION, open_store
from okr.errors import ValidationError
from okr.settings import Settings

__all__ = ["review"]

FORMATS = ("md", "html", "json")


@app.command()
def review(
    kind: str = typer.Option("qbr", "--kind", "-k", help="pulse, midcycle, qbr or retro."),
    cycle: str | None = typer.Option(None, "--cycle", "-c", help="Cycle name or id "
                                     "(default: the current one)."),
    team: str | None = typer.Option(None, "--team", "-t", help="Team name or id (default: "
                                    "the whole organisation)."),
    fmt: str = typer.Option("md", "--format", "-f", help="md, html or json."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write to this file."),
    as_of: str | None = typer.Option(None, "--as-of", help="Date to review at (YYYY-MM-DD)."),
    org: str | None = ORG_OPTION,
) -> None:
    """Write a review (pulse, mid-cycle, QBR, retrospective) from the live data."""
    from agents.review_templates import KINDS
    from agents.reviewer import write_review
    from agents.runtime import AgentContext
    from api.render_review import dumps, to_html, to_markdown

    settings = Settings()
    with open_store(org) as (store, org_id):
        if kind not in KINDS:
            raise ValidationError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
        if fmt not in FORMATS:
            raise ValidationError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        try:
            day = date.fromisoformat(as_of) if as_of else None
        except ValueError as exc:
            raise ValidationError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from exc
        store.get_organisation(org_id)
        ctx = AgentContext.create(settings, org_id=org_id, agent="reviewer", store=store,
                                  memory=open_org_memory(settings, org_id, purpose="the review"))
        written = write_review(ctx, kind, cycle=cycle, team=team, as_of=day)
        text = (to_html(written) if fmt == "html" else dumps(written) + "\n" if fmt == "json"
                else to_markdown(written))
        if out is None:
            typer.echo(text, nl=False)
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        console.print(f"{written.title}: {len(written.sections)} sections "
                      f"({written.engine}) written to {out}")
