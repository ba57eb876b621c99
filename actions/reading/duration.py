"""How long the pain has lasted, in days: "3 weeks", "since Monday", "a couple of weeks"."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

import dateparser

from actions.reading.vocabulary import normalise, phrase_pattern, readings

_SINCE = re.compile(
    r"\b(?:since|from|started on|began on|on)\s+(?:last\s+)?([a-z0-9][a-z0-9 ./-]{1,40})"
)
LONGEST_DATE = 4
"""Words a date may take after "since" ("the 3rd of May"); the rest of the clause is not
part of it ("since friday and now I get out of breath")."""
LONGEST_DATE_REPLY = 8
"""Words a reply that is only a date may take ("the day before yesterday"). Longer replies
are not given to dateparser, which recurses once per word and fails at about 900."""
_AGE = re.compile(r"\b\d+\s*(?:years?|yrs?)\s*old\b")


@cache
def _units() -> re.Pattern[str]:
    names = sorted(readings()["duration"]["units"], key=len, reverse=True)
    return re.compile(r"(\d+(?:\.\d+)?)\s*(" + "|".join(names) + r")s?\b")


@cache
def _phrases(asked: bool) -> list[tuple[re.Pattern[str], float]]:
    return [
        (phrase_pattern(entry["words"]), float(entry["days"]))
        for entry in readings()["duration"]["phrases"]
        if asked or not entry.get("answer_only")
    ]


def read_days(text: str, asked: bool, today: date | None = None) -> float | None:
    """Days since the pain started, or None when the text does not say.

    `asked`: the text answers the duration question, so a bare number counts as days.
    """
    today = today or date.today()
    text = _AGE.sub(" ", normalise(text))
    units = readings()["duration"]["units"]
    match = _units().search(text)
    if match:
        return float(match.group(1)) * units[match.group(2)]
    found = [
        (m.start(), days) for pattern, days in _phrases(asked) for m in [pattern.search(text)] if m
    ]
    if found:
        return min(found)[1]
    since = _SINCE.search(text)
    if since:
        words = since.group(1).split()[:LONGEST_DATE]
        for end in range(len(words), 0, -1):
            if not _is_date(words[:end]):
                continue
            days = _days_since(" ".join(words[:end]), today)
            if days is not None:
                return days
    if asked:
        bare = re.fullmatch(r"\D*?(\d+(?:\.\d+)?)\D*", text)
        if bare:
            return float(bare.group(1))
        if len(text.split()) <= LONGEST_DATE_REPLY:
            return _days_since(text, today)
    return None


def _is_date(words: list[str]) -> bool:
    date_words = readings()["duration"]["date_words"]
    return any(w.strip(",.") in date_words or any(c.isdigit() for c in w) for w in words)


def _days_since(phrase: str, today: date) -> float | None:
    when = dateparser.parse(
        phrase,
        languages=["en"],
        settings={
            "PREFER_DATES_FROM": "past",
            "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
            "REQUIRE_PARTS": [],
        },
    )
    if when is None or when.date() > today:
        return None
    return float((today - when.date()).days)
