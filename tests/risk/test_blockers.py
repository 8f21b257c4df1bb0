"""The lexical blocker detector reads notes in several languages."""

from __future__ import annotations

import pytest

from okr.blockers import NoteSignal, classify_note, names_blocker


@pytest.mark.parametrize("note", [
    "Blocked on legal review of the new terms.",
    "Waiting on Payments (kr-67) before we can move this.",
    "Still waiting for data team.",
    "Vendor still hasn't delivered.",
    "Stuck behind the platform migration.",
    "Blockiert durch die Rechtsabteilung.",
    "Wir warten auf den Lieferanten.",
    "Bloqué par la revue sécurité.",
    "En attente de la validation budget.",
    "Bloqueado por el proveedor.",
    "Esperando al equipo de datos.",
    "Geblokkeerd door de leverancier.",
    "Wachten op goedkeuring van finance.",
])
def test_blocker_words_are_detected(note: str) -> None:
    assert names_blocker(note)


@pytest.mark.parametrize("note", [
    "", "Strong week.", "On plan.", "No blockers this week.", "Nothing blocking us.",
    "Keine Blocker diese Woche.", "The vast majority signed up.", "Half the team at the offsite.",
])
def test_ordinary_and_negated_notes_are_not_blockers(note: str) -> None:
    assert classify_note(note) is NoteSignal.NONE


@pytest.mark.parametrize("note", [
    "Legal review cleared; moving again.", "Vendor delivered; integration underway.",
    "Unblocked.", "Problem gelöst.", "Débloqué, on avance.", "Resuelto.", "Opgelost.",
])
def test_cleared_blockers_read_as_resolved(note: str) -> None:
    assert classify_note(note) is NoteSignal.RESOLVED
