"""Reading a patient's reply to one intake question into the value the record keeps.

Yes/no questions are read like the red-flag screening: by their words, or by the button's
intent, so that only a clear answer is stored. A choice is read from the option's display
text or its other `words`; a reply that fits no option, or two, is asked again.
"""

from __future__ import annotations

import re
from typing import Any

from actions.intake.questionnaire import Item
from actions.reading.answers import Answer, read_answer
from actions.reading.typography import straight_quotes

MAX_TEXT = 1000
"""A free-text answer is kept up to this many characters: enough for a therapist's note."""


def read_item_answer(item: Item, text: str, intent: str | None = None) -> Any | None:
    """The value to store for `item`, or None when the reply does not answer it."""
    text = text.strip()
    if item.type == "boolean":
        return {Answer.YES: True, Answer.NO: False}.get(read_answer(text, intent=intent))
    if item.type == "choice":
        return read_choice(item, text)
    if item.type in ("string", "text"):
        return _clean(text)[:MAX_TEXT].strip() or None
    raise ValueError(f"the bot does not ask {item.type} questions ({item.code})")


def read_choice(item: Item, text: str) -> str | None:
    """The one option the reply names; a phrase inside a longer one counts only as part of
    it ("not too hard" is light pressure, not firm)."""
    clean = _words(text)
    spans = [
        (match.start(), match.end(), option.code)
        for option in item.options
        for phrase in (option.display, option.code.replace("_", " "), *option.words)
        for match in re.finditer(rf"(?<!\w){re.escape(_words(phrase))}(?!\w)", clean)
    ]
    outermost = {
        code
        for start, end, code in spans
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in spans)
    }
    return outermost.pop() if len(outermost) == 1 else None


def _clean(text: str) -> str:
    """Control characters out, runs of spaces as one: it is shown to staff as it was said."""
    return re.sub(r"[ \t]+", " ", re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text))


def _words(text: str) -> str:
    lowered = straight_quotes(text.lower())
    return re.sub(r"\s+", " ", re.sub(r"[^\w' ]+", " ", lowered)).strip()
