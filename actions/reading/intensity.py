"""Pain intensity on the 0-10 scale: numbers, number words and the policy's words.

A text is read in this order, and the first reading counts:
1. a number on the scale, in any message: "7/10", "7 out of 10", "5 on 10", "8+/10",
   "6-7/10"; above the scale it is the top ("eleven out of ten" is 10) in an answer to
   the intensity question, and not read elsewhere ("a million out of ten lol");
2. a number that stands alone, not one that counts something ("2 kids", "3 sets of 10",
   "10 hour shifts", "a 7 year old", "5k"), nor a time ("at 7"), a rank ("top 5") or a
   duration ("for 7 days"): in an answer to the intensity question any such number
   ("7", "7ish", "6 or 7", "between 4 and 5"), in any message only after a rating's
   words ("it's a 7", "like a 7", "a solid 8");
3. the policy's words ("mild", "bearable", "killing me"), not after a negation ("not
   severe"); only those marked `anywhere` outside an answer to the intensity question,
   and none there when a word of answers only says worse ("mild, sometimes severe" is
   asked about rather than read as mild).
A range is its top: "6 or 7" is 7, "7 or 8" is 8, so that a pain the person puts at the
policy's threshold is never read under it. The words are data/triage/readings.yml's.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from actions.reading.vocabulary import alternatives, normalise, phrase_pattern, readings

NUMBER = r"\d+(?:\.\d+)?"
CONTEXT = 60
"""Characters before a number that are looked at for what it is ("gaming for", "top")."""
TOP = 10.0
WIDEST_RANGE = 2
"""A range read as its top may be this wide ("6 or 7", "4-6"); a wider one ("3 to 8")
says too little, and two numbers further apart ("3, but 8 when I move") too."""

_SCALE = re.compile(
    rf"(?<![\w./+-])(?:between\s+(?P<a>{NUMBER})\s+and\s+(?P<b>{NUMBER})\s*"
    rf"|(?P<low>{NUMBER})\s*\+?\s*(?:(?:-|\u2013|to|or)\s*(?P<high>{NUMBER})\s*\+?\s*)?)"
    r"(?P<on>/|out of|outta|on|of)\s*10(?!\w|\.\d|\s*/\s*\d)"
)
_CANDIDATE = re.compile(
    rf"(?<![\w./+-])(?:between\s+(?P<a>{NUMBER})\s+and\s+(?P<b>{NUMBER})"
    rf"|(?P<c>{NUMBER})\s*(?:-|\u2013|to|or)\s*(?P<d>{NUMBER})|(?P<n>{NUMBER}))(?![\w/]|\.\d)"
)


def _vocabulary() -> dict[str, Any]:
    intensity: dict[str, Any] = readings()["intensity"]
    return intensity


@cache
def _context() -> dict[str, re.Pattern[str]]:
    words = _vocabulary()
    negations = words["negations"]
    attached = [n for n in negations if n.startswith("n'")]  # "isn't", "doesn't"
    apart = [n for n in negations if n not in attached]
    return {
        "goes_on": re.compile(rf"\s*(?:$|[^\w\s'+]|{alternatives(words['followers'])}(?![\w']))"),
        "not_after": re.compile(rf"(?<![\w']){alternatives(words['not_after'])}\s*$"),
        "cue": re.compile(rf"(?<![\w']){alternatives(words['rating_cues'])}\s+$"),
        "negated": re.compile(
            rf"(?:(?<![\w']){alternatives(apart)}|{alternatives(attached)})\s+"
            rf"(?:{alternatives(words['negation_fillers'])}\s+)*$"
        ),
        "date_before": re.compile(r"(?<![\w'])(?:since|on|from|until|till|the|by)\s+$"),
    }


@cache
def _words() -> tuple[re.Pattern[str], dict[str, tuple[float, bool]]]:
    """All the words in one pattern, so that the longest at a place is read and what it
    holds is not ("annoying more than painful" is not "painful", "not bad" not "bad")."""
    values = {
        word.lower(): (float(entry["value"]), bool(entry.get("anywhere")))
        for entry in _vocabulary()["words"]
        for word in entry["words"]
    }
    return phrase_pattern(list(values)), values


def _top_of(low: float, high: float) -> float | None:
    return high if 0 <= high - low <= WIDEST_RANGE else None


def _on_the_scale(text: str, asked: bool) -> float | None:
    context = _context()
    for m in _SCALE.finditer(text):
        before, after = text[max(0, m.start() - CONTEXT) : m.start()], text[m.end() :]
        if context["date_before"].search(before):
            continue  # "since 3/10", "on 3/10"
        if m.group("on") in ("on", "of") and not context["goes_on"].match(after):
            continue  # "3 of 10 reps", "5 on 10 hour shifts"
        low, high = m.group("a") or m.group("low"), m.group("b") or m.group("high")
        value = _top_of(float(low), float(high)) if high else float(low)
        if value is not None and (asked or value <= TOP):
            # "eleven out of ten", asked, is as bad as it gets; "a million out of ten" in
            # passing is hyperbole, and the question is asked
            return min(value, TOP)
    return None


def _alone(text: str, asked: bool) -> float | None:
    context = _context()
    values: list[float] = []
    for m in _CANDIDATE.finditer(text):
        before, after = text[max(0, m.start() - CONTEXT) : m.start()], text[m.end() :]
        cued = context["cue"].search(before)  # "it's a 7", "pain at 7"
        if not cued and (context["not_after"].search(before) or not asked):
            continue  # "top 5", "at 7"; in passing, only a cue says a number is a rating
        if not context["goes_on"].match(after):
            continue  # "2 kids", "10 hour shifts", "a 7 year old"
        if m.group("n"):
            values.append(float(m.group("n")))
            continue
        low, high = (m.group("a"), m.group("b")) if m.group("a") else (m.group("c"), m.group("d"))
        top = _top_of(float(low), float(high))
        if top is None:
            return None  # "between 3 and 8"
        values.append(top)
    if len(values) == 1:
        return _on_scale(values[0])
    if len(values) == 2 and abs(values[0] - values[1]) <= WIDEST_RANGE:
        # "7, sometimes 8": the higher one, never under-read the pain
        return _on_scale(max(values))
    return None


def _in_words(text: str, asked: bool) -> float | None:
    pattern, values = _words()
    negated = _context()["negated"]
    said = [
        values[m.group(1)] for m in pattern.finditer(text) if not negated.search(text[: m.start()])
    ]
    found = [value for value, anywhere in said if asked or anywhere]
    if found and max(found) < max(value for value, _ in said):
        return None  # "mild, sometimes severe" in passing: ask, rather than read it low
    return max(found, default=None)


def read_intensity(text: str, asked: bool) -> float | None:
    """The 0-10 intensity the text gives, or None.

    `asked`: the text answers the intensity question, so a bare number or a word like
    "bad" counts; otherwise only "N/10", "N out of 10", "a N" or an unmistakable word does.
    """
    text = normalise(text)
    scale = _on_the_scale(text, asked)
    if scale is not None:
        return scale
    alone = _alone(text, asked)
    if alone is not None:
        return alone
    return _in_words(text, asked)


def _on_scale(value: float) -> float | None:
    return value if 0 <= value <= TOP else None
