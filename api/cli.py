"""Entry point of the `okr` command: the app plus every command module."""

from __future__ import annotations

import sys

from api.cli_app import app, err_console
from api.commands import critique, cycle, draft, memory, review, risk, runtime, store, views  # noqa: F401
from okr.errors import OKRError

__all__ = ["app", "main"]


def main() -> None:
    """Run the command line, turning user errors into a message and exit code 2."""
    try:
        app()
    except OKRError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
