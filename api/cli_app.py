"""The Typer application that every `okr` command module registers on.

Command modules live in `api/commands/`, one per area, and are imported by
`api/cli.py`. User mistakes (`OKRError`) become a clear message and exit code
2, never a traceback.
"""

from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(
    name="okr",
    help="Quarterdeck: self-hosted, AI-native OKRs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

console = Console()
err_console = Console(stderr=True)
