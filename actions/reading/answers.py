"""Yes, no or unclear: the reply to a red-flag screening question."""

from __future__ import annotations

import re
from enum import Enum
from functools import cache

from actions.reading.typography import straight_quotes
from actions.reading.vocabulary import readings

_NEGATION = re.compile(r"(?<![\w'])(no|not|never|none|neither|nor|without)(?![\w'])|n't\b")


def _held(text: str) -> str:
    """Each run of one letter as one ("yesss" is "yes"), on the lists and the reply alike."""
    return re.sub(r"([a-z])\1+", r"\1", text)


class Answer(Enum):
    YES = "yes"
    NO = "no"
    UNCLEAR = "unclear"


@cache
def _openings() -> list[tuple[str, Answer | None]]:
    words = readings()["answers"]
    kinds = (("affirm", Answer.YES), ("deny", Answer.NO), ("unsure", None))
    pairs = [(_held(phrase.lower()), kind) for key, kind in kinds for phrase in words[key]]
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def read_answer(text: str, named_symptom: bool = False, intent: str | None = None) -> Answer:
    """Read a reply to a yes/no question.

    A button's payload ("/affirm", "/deny") is read by its intent. Typed text is read by
    its words alone, never by a guessed intent, so that nothing but a clear "no" rules a
    red flag out: doubt anywhere in it ("I'm not sure") makes it unclear; then the opening
    words decide when they are a yes or a no; otherwise a reply that names the symptom
    asked about is a yes ("I've had a temperature"), and one with a negation is a no
    ("there's none of that"). Anything else is unclear.
    """
    if text.startswith("/"):
        return {"affirm": Answer.YES, "deny": Answer.NO}.get(intent or "", Answer.UNCLEAR)
    clean = re.sub(r"[^\w' ]+", " ", straight_quotes(text.lower()))
    clean = re.sub(r"\s+", " ", clean).strip()
    held = _held(clean)
    if any(f" {phrase} " in f" {held} " for phrase, kind in _openings() if kind is None):
        return Answer.UNCLEAR  # "I'm not sure" opens like a no, but rules nothing out
    for phrase, kind in _openings():
        if held == phrase or held.startswith(phrase + " "):
            return kind or Answer.UNCLEAR
    if named_symptom:
        return Answer.YES
    if _NEGATION.search(clean):
        return Answer.NO
    return Answer.UNCLEAR
