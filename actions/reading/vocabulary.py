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


def normalise(text: str) -> str:
    """Lower case, number words as digits ("about a six" -> "about a 6"), single spaces."""
    text = re.sub(r"\s+", " ", straight_quotes(text.lower())).strip()
    return alpha2digit(text, "en", threshold=0)


def phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """A regex matching any of the phrases as whole words, longest first."""
    alternatives = sorted((re.escape(p.lower()) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w'])(" + "|".join(alternatives) + r")(?![\w'])")
