"""`okr risk FILE`: the risk radar over a quarter file.

With `--json` it prints exactly the object of docs/spec/risk.md; without it,
a radar table sorted by p_miss. A malformed file raises the quarter parser's
ValidationError, which `api.cli.main` turns into a message and exit code 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from api.cli_app import app, console
from okr.errors import ValidationError
from okr.quarter import parse_quarter
from okr.risk import RiskReport, assess_quarter

STATUS_STYLE = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}


def radar_table(report: RiskReport) -> Table:
    """Key results by p_miss, highest first, with status colour, forecast and reasons."""
    table = Table(title=f"Risk radar as of {report.as_of.isoformat()}")
    table.add_column("key result")
    table.add_column("status")
    table.add_column("p_miss", justify="right")
    table.add_column("forecast", justify="right")
    table.add_column("reasons")
    for kr in sorted(report.key_results, key=lambda k: (-k.p_miss, k.id)):
        style = STATUS_STYLE[kr.status]
        table.add_row(kr.id, f"[{style}]{kr.status}[/]", f"{kr.p_miss:.2f}",
                      f"{kr.forecast:.2f}", ", ".join(kr.reasons) or "-")
    return table


@app.command()
def risk(
    file: Path = typer.Argument(..., help="Quarter file (JSON) of docs/spec/risk.md."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON contract."),
) -> None:
    """Which key results will miss: p_miss, forecast, status and reasons per key result."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(f"{file}: cannot read the quarter file ({exc})") from exc
    report = assess_quarter(parse_quarter(text, source=str(file)))
    if as_json:
        typer.echo(json.dumps(report.to_contract(), indent=1, ensure_ascii=False))
    else:
        console.print(radar_table(report))
