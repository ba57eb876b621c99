"""Pain intensity on the 0-10 scale: numbers, number words and the policy's words."""

from __future__ import annotations

import re
from functools import cache

from actions.reading.vocabulary import normalise, phrase_pattern, readings

_OUT_OF_TEN = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:/|out of|of)\s*10\b")
_NUMBER = re.compile(
    r"(?<![\d.])(-?\d+(?:\.\d+)?)(?![\d.]|\s*(?:%|days?|weeks?|months?|years?|hours?))"
)


@cache
def _words(anywhere_only: bool) -> list[tuple[re.Pattern[str], float]]:
    return [
        (phrase_pattern(entry["words"]), float(entry["value"]))
        for entry in readings()["intensity"]["words"]
        if entry.get("anywhere") or not anywhere_only
    ]


def read_intensity(text: str, asked: bool) -> float | None:
    """The 0-10 intensity the text gives, or None.

    `asked`: the text answers the intensity question, so a bare number or a word like
    "bad" counts; otherwise only "N/10", "N out of 10" or an unmistakable word does.
    """
    text = normalise(text)
    match = _OUT_OF_TEN.search(text)
    if match:
        return _on_scale(float(match.group(1)))
    if asked:
        numbers = [float(n) for n in _NUMBER.findall(text)]
        if len(numbers) == 1:
            return _on_scale(numbers[0])
        if len(numbers) == 2 and abs(numbers[0] - numbers[1]) <= 2:
            # "6 or 7", "between 5 and 6": the higher one, never under-read the pain
            return _on_scale(max(numbers))
    found = [value for pattern, value in _words(anywhere_only=not asked) if pattern.search(text)]
    return max(found) if found else None


def _on_scale(value: float) -> float | None:
    return value if 0 <= value <= 10 else None
