"""Errors a user can cause and fix; the faces turn them into clear messages."""

from __future__ import annotations


class OKRError(Exception):
    """Base of every user-facing error: the message says what is wrong and where."""


class NotFoundError(OKRError):
    """A referenced entity does not exist in this organisation."""


class ValidationError(OKRError):
    """Input is malformed; `problems` lists each one with its location."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(message + detail)


class TransitionError(OKRError):
    """An objective was asked to move to a state its current state does not allow."""
