"""Quotes as the readers' patterns are written: phones and word processors type curly ones
("I don\u2019t") and the modifier-letter apostrophe; each becomes its straight form, one
character for one, so that offsets into the text (the entities' start and end) still hold."""

from __future__ import annotations

STRAIGHT = str.maketrans("\u2019\u2018\u02bc\u201c\u201d", "'''\"\"")


def straight_quotes(text: str) -> str:
    return text.translate(STRAIGHT)
