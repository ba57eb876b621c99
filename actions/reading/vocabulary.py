"""The reading vocabulary of data/triage/readings.yml."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml
from text_to_num import alpha2digit

from actions.reading.typography import straight_quotes
from actions.settings import DATA_DIR


@cache
def readings() -> dict[str, Any]:
    return yaml.safe_load((DATA_DIR / "triage" / "readings.yml").read_text())


_NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
)


def normalise(text: str) -> str:
    """Lower case, number words as digits ("about a six" -> "about a 6"), single spaces,
    "-ish" as a word of its own ("seven-ish", "7ish" -> "7 ish")."""
    text = re.sub(r"\s+", " ", straight_quotes(text.lower())).strip()
    text = re.sub(r"\s*-\s*ish\b", " ish", text)  # text2num reads "seven ish", not "seven-ish"
    text = re.sub(rf"\b({'|'.join(_NUMBER_WORDS)})ish\b", r"\1 ish", text)  # "sevenish"
    return re.sub(r"(\d)ish\b", r"\1 ish", alpha2digit(text, "en", threshold=0))


def alternatives(phrases: list[str]) -> str:
    """A regex group, to build patterns with, matching any of the phrases, longest first."""
    escaped = sorted((re.escape(p.lower()) for p in phrases), key=len, reverse=True)
    return "(?:" + "|".join(escaped) + ")"


def phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """A regex matching any of the phrases as whole words, longest first."""
    return re.compile(r"(?<![\w'])(" + alternatives(phrases) + r")(?![\w'])")
