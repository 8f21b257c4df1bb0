"""Lexical blocker detector for check-in notes.

Owners rarely tick a "blocked" box; they write "waiting on legal" or "vendor
slipped again". This module reads a note as plain data (never as an
instruction) and says whether it names a blocker, reports one cleared, or
neither. It is deliberately lexical: fast enough for a whole organisation,
explainable, and tolerant of English, German, French, Spanish and Dutch notes
(accents are folded, so "bloqué" and "bloque" read the same).
"""

from __future__ import annotations

import re
import unicodedata
from enum import IntEnum
from functools import lru_cache


class NoteSignal(IntEnum):
    """What a note says about blockers; the integer form feeds array code."""

    RESOLVED = -1
    NONE = 0
    BLOCKER = 1


_NEGATED = [
    r"\bno (?:real |major |new )?(?:blockers?|blocking issues?|dependencies)\b",
    r"\bnot (?:blocked|waiting)\b", r"\bnothing (?:is )?blocking\b", r"\bblocker-?free\b",
    r"\bkeine? (?:blocker|blockaden?|abhangigkeiten)\b", r"\bnicht blockiert\b",
    r"\bpas de (?:blocage|blocker)s?\b", r"\bnon bloque\b", r"\baucun blocage\b",
    r"\bsin (?:bloqueos?|bloqueantes?)\b", r"\bno (?:esta|estamos) bloquead[oa]s?\b",
    r"\bgeen (?:blokkades?|blockers?)\b", r"\bniet geblokkeerd\b",
]

_STILL_BLOCKED = [
    r"\b(?:has ?n'?o?t|have ?n'?o?t|not|never|nicht|pas|no|niet) (?:yet |still |been |ever )*"
    r"(?:delivered|approved|resolved|cleared|fixed|signed|geliefert|genehmigt|livre|entregado|"
    r"geleverd)\b",
    r"\bstill (?:open|pending|blocked|frozen|unresolved)\b",
]

_RESOLVED = [
    r"\bunblocked\b", r"\bno longer (?:blocked|waiting)\b", r"\bcleared\b", r"\bresolved\b",
    r"\b(?:has |have )?delivered\b", r"\bapproved\b", r"\bshipped the fix\b",
    r"\bfix (?:is )?(?:shipped|landed|deployed)\b", r"\bback on (?:plan|track)\b",
    r"\bmoving again\b", r"\bbackfill (?:signed|hired|started)\b", r"\bunfrozen\b",
    r"\bincident closed\b", r"\bsigned off\b", r"\blifted\b",
    # de
    r"\b(?:ist |wurde )?(?:gelost|behoben|freigegeben|geliefert|genehmigt)\b",
    r"\bnicht mehr blockiert\b", r"\bentblockt\b",
    # fr
    r"\bdebloque(?:e|es|s)?\b", r"\bresolue?s?\b", r"\blivree?s?\b", r"\bapprouvee?s?\b",
    # es
    r"\bdesbloquead[oa]s?\b", r"\bresuelt[oa]s?\b", r"\bentregad[oa]s?\b",
    r"\baprobad[oa]s?\b", r"\bsolucionad[oa]s?\b",
    # nl
    r"\bopgelost\b", r"\bgedeblokkeerd\b", r"\bgeleverd\b", r"\bgoedgekeurd\b",
]

_BLOCKER = [
    r"\bblock(?:ed|er|ers|ing)?\b", r"\bwaiting (?:on|for)\b", r"\bstill waiting\b",
    r"\bdepend(?:s|ent|ency|encies)? on\b", r"\bstuck\b", r"\bon hold\b",
    r"\bcan'?t (?:start|move|ship|proceed)\b", r"\bcannot (?:start|move|ship|proceed)\b",
    r"\bvendor (?:slipped|still hasn'?t|hasn'?t|has not|missed|delayed)\b",
    r"\bhasn'?t delivered\b", r"\bpending (?:\w+ )?(?:review|approval|sign-?off)\b",
    r"\bfell through\b", r"\bshort-?staffed\b", r"\b(?:budget|spend|hiring) (?:freeze|frozen)\b",
    r"\b(?:spend|budget) (?:still )?frozen\b", r"\bescalat(?:ed|ing|ion)\b",
    r"\bpulled (?:onto|into|off)\b", r"\bfirefighting\b", r"\brole still open\b",
    r"\bdata (?:is |are )?unreliable\b", r"\bnumbers unreliable\b",
    # de
    r"\bblockiert\b", r"\bblockade\b", r"\bwart(?:en|et|e) (?:auf|noch)\b",
    r"\babhangig von\b", r"\babhangigkeit\b", r"\bhangt fest\b", r"\bfestgefahren\b",
    r"\bverzogert\b", r"\bgestoppt\b",
    # fr
    r"\bbloque(?:e|es|s)?\b", r"\bblocage\b", r"\ben attente (?:de|du|des|d')", r"\battendons\b",
    r"\bdepend(?:ons|ent)? (?:de|du|des)\b", r"\bdependance\b", r"\bcoince(?:e|es|s)?\b",
    r"\ben retard\b", r"\bretarde(?:e|es|s)?\b",
    # es
    r"\bbloquead[oa]s?\b", r"\bbloqueo\b", r"\besperando\b", r"\ba la espera\b",
    r"\bdepend(?:e|emos|en) de\b", r"\bdependencia\b", r"\batascad[oa]s?\b",
    r"\bretrasad[oa]s?\b",
    # nl
    r"\bgeblokkeerd\b", r"\bblokkade\b", r"\bwacht(?:en)? (?:op|nog)\b",
    r"\bafhankelijk(?:heid)? van\b", r"\bafhankelijkheid\b",
    r"\b(?:zit|zitten) vast\b", r"\bvastgelopen\b",
    r"\bvertraagd\b",
]

_NEGATED_RE = re.compile("|".join(_NEGATED))
_STILL_BLOCKED_RE = re.compile("|".join(_STILL_BLOCKED))
_RESOLVED_RE = re.compile("|".join(_RESOLVED))
_BLOCKER_RE = re.compile("|".join(_BLOCKER))


def fold(text: str) -> str:
    """Lower-case, accent-free form of a note, so one pattern serves several spellings."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("\u2019", "'")


@lru_cache(maxsize=65536)
def classify_note(note: str) -> NoteSignal:
    """Whether a note names a blocker, reports one cleared, or neither.

    A cleared blocker wins over the word "blocked" in the same note ("legal
    review cleared"), and negations ("no blockers this week") are not
    blockers. Notes repeat a lot ("On plan."), so answers are cached.
    """
    if not note:
        return NoteSignal.NONE
    text = _NEGATED_RE.sub(" ", fold(note))
    if _STILL_BLOCKED_RE.search(text):
        return NoteSignal.BLOCKER
    if _RESOLVED_RE.search(text):
        return NoteSignal.RESOLVED
    if _BLOCKER_RE.search(text):
        return NoteSignal.BLOCKER
    return NoteSignal.NONE


def names_blocker(note: str) -> bool:
    """True when the note names a blocker that is not reported cleared."""
    return classify_note(note) is NoteSignal.BLOCKER
