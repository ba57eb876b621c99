"""How long the pain has lasted, in days: "3 weeks", "since Monday", "a couple of weeks".

A text is read in this order, and the first reading counts:
1. a duration with a number or in words ("3 wks", "a week or two", "a fortnight"), the
   earliest in the text, leaving out those that are not the pain's: ages ("I'm 45 years
   old"), rates ("8 hours a day"), the length of something else ("10 hour shifts", "a week
   of holiday", "gaming for 12 hours") and times to come ("in 2 weeks");
2. a date after "since", "from", "started at" ... ("since Tuesday", "since the 3rd",
   "since 3/11", "since Christmas", "since the weekend");
3. in an answer to "how long?" only: a number alone, as days ("about 4"), or a date alone.
The words are data/triage/readings.yml's; dates are dateparser's and dateutil's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

import dateparser
from dateutil.easter import easter  # type: ignore[import-untyped]
from dateutil.parser import parserinfo  # type: ignore[import-untyped]
from dateutil.relativedelta import relativedelta, weekdays  # type: ignore[import-untyped]

from actions.reading.vocabulary import alternatives, normalise, phrase_pattern, readings

NUMBER = r"\d+(?:\.\d+)?"
CONTEXT = 60
"""Characters before a number that are looked at for what it is ("gaming for", "top")."""
LONGEST_DATE = 4
"""Words a date may take after "since" ("the 3rd of May"); the rest of the clause is not
part of it ("since friday and now I get out of breath")."""
LONGEST_DATE_REPLY = 8
"""Words a reply that is only a date may take ("the day before yesterday"). Longer replies
are not given to dateparser, which recurses once per word and fails at about 900."""
LONGEST_BARE_REPLY = 100
"""Characters a reply that is only a number may take ("about 4, I think")."""

_CALENDAR = parserinfo()  # dateutil's English names of the months and the weekdays
_MONTH = alternatives([name for names in parserinfo.MONTHS for name in names])
_ORDINAL_DAY = re.compile(
    rf"(?<![\w'])(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?{_MONTH}\b)"
)
"""A day of the month without its month: "the 3rd" (not "the 3rd of November")."""
_DAY_AND_MONTH = re.compile(r"\d{1,2}/\d{1,2}(?:/(?:\d{2}|\d{4}))?")
_DATE_NUMBER = re.compile(rf"\d{{1,2}}(?:st|nd|rd|th)|{_DAY_AND_MONTH.pattern}|(?:19|20)\d\d")
"""The numbers that may be a date: a day of the month, a day and month, a year. A bare
"3" is not given to dateparser, which reads it as the 3rd of this month."""
_ROUGHLY = re.compile(r"^(?:about|around|roughly|approximately|maybe)\s+")
_PART_OF_MONTH = re.compile(
    r"(?:the\s+)?(?P<part>start|beginning|middle|end|early|mid|late)(?:\s+of)?[\s-]+"
    r"(?P<month>[a-z]+)"
)
_LAST = re.compile(r"(?:(?P<last>last|this past)\s+)?(?P<date>.*)")


def _vocabulary() -> dict[str, Any]:
    duration: dict[str, Any] = readings()["duration"]
    return duration


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    days: float
    singular: bool = False
    """A unit written singular after a number ("10 hour"), that may be the length of the
    next word ("10 hour shifts")."""


@cache
def _unit() -> str:
    return alternatives(list(_vocabulary()["units"]))


@cache
def _spellings() -> re.Pattern[str]:
    return re.compile(r"(?<![a-z'])" + alternatives(list(_vocabulary()["spellings"])) + r"\b")


@cache
def _not_durations() -> re.Pattern[str]:
    """Ages, rates and the hyphenated length of something else: never the pain's."""
    words = _vocabulary()["not_the_pain"]
    unit = _unit()
    age = rf"{NUMBER}\s*-?\s*{unit}s?\s*-?\s*{alternatives(words['age'])}\b"
    rate = (
        rf"(?:{NUMBER}\s*(?:{unit}|time)s?|{NUMBER}\s*x|{NUMBER}\s+[a-z]+s|once|twice|thrice)\s+"
        rf"{alternatives(words['rate'])}\s+{unit}\b"
    )
    hyphenated = rf"{NUMBER}\s*-\s*{unit}\b(?!s)"  # "10-hour shifts", "a 3-day hike"
    return re.compile(rf"\b(?:{age}|{rate}|{hyphenated})")


@cache
def _ranges() -> re.Pattern[str]:
    """ "1-2 weeks", "2 or 3 days", "between 2 and 3 weeks", "a week or 2" (text2num has
    made "two" a digit)."""
    unit = _unit()
    return re.compile(
        rf"\b(?:between\s+(?P<a>{NUMBER})\s+and\s+(?P<b>{NUMBER})"
        rf"|(?P<c>{NUMBER})\s*(?:-|\u2013|to|or)\s*(?P<d>{NUMBER}))\s*(?P<unit>{unit})s?\b"
        rf"|\b(?:a|an|1)\s+(?P<one>{unit})\s+or\s+(?P<e>{NUMBER})(?:\s*(?P=one)s?)?\b"
    )


@cache
def _counts() -> re.Pattern[str]:
    """ "3 weeks", "2 and a half weeks", "2 weeks and a half"."""
    return re.compile(
        rf"\b(?P<n>{NUMBER})(?P<half>\s+and a half)?\s*(?P<unit>{_unit()})(?P<plural>s?)\b"
        r"(?P<after>\s+and a half)?"
    )


@cache
def _phrases(asked: bool) -> list[tuple[re.Pattern[str], float]]:
    return [
        (phrase_pattern(entry["words"]), float(entry["days"]))
        for entry in _vocabulary()["phrases"]
        if asked or not entry.get("answer_only")
    ]


@cache
def _context() -> dict[str, re.Pattern[str]]:
    """What before or after a duration says it is not the pain's."""
    words = _vocabulary()["not_the_pain"]
    return {
        # "10 hour shifts": a singular unit goes on with none of these, nor ends there
        "singular_goes_on": re.compile(
            rf"\s*(?:$|[^\w\s']|{alternatives(words['singular_followers'])}(?![\w']))"
        ),
        "of_something_else": re.compile(
            rf"\s+of\b(?!\s+{alternatives(words['of_the_pain'])}(?![\w']))"
        ),
        "done_before": re.compile(
            r"(?<![\w'])(?:(?P<article>a|an|the|my|your|his|her|our|their)\s+)?(?P<verb>[a-z']+)"
            r"\s+(?:for\s+)?(?:(?:the\s+)?(?:past|last)\s+)?"
            r"(?:(?:about|around|like|almost|nearly|over|at least|roughly)\s+)?$"
        ),
        "ago": re.compile(r"\s+(?:ago|back)\b"),
        "time_off": re.compile(r"\s+(?:off|away)\b"),
        "first_in": re.compile(
            r"(?<![\w'])(?:first|1st)(?:\s+[\w']+){0,3}\s+in\s+(?:over\s+)?(?:[\d.]+\s+)?$"
        ),
        "future_before": re.compile(rf"(?<![\w']){alternatives(words['future'])}\s+$"),
        "counted": re.compile(r"(?:\d|(?:a|an|one|few|couple|several|half)\b)"),
    }


def _is_activity(verb: str) -> bool:
    words = _vocabulary()["not_the_pain"]
    if verb in words["activities"]:
        return True
    return verb.endswith("ing") and verb not in words["pain_verbs"] + words["ing_words"]


def _is_the_pains(text: str, found: _Found) -> bool:
    context = _context()
    before, after = text[max(0, found.start - CONTEXT) : found.start], text[found.end :]
    if found.singular and not context["singular_goes_on"].match(after):
        return False  # "10 hour shifts", "a 5 day week"
    if context["of_something_else"].match(after):
        return False  # "a week of holiday"
    if context["time_off"].match(after):
        return False  # "back at the gym after a year off"
    if context["first_in"].search(before):
        return False  # "my first swim in years"
    counted = context["counted"].match(text, found.start)
    if not counted:
        return True  # "yesterday", "the past week"
    if context["future_before"].search(before):
        return False  # "in 2 weeks"
    done = context["done_before"].search(before)
    # "gaming for 12 hours", "sat for 8 hours"; but "skiing 10 days ago" says when, and
    # "my run" is no verb
    return not (
        done
        and not done.group("article")
        and _is_activity(done.group("verb"))
        and not context["ago"].match(after)
    )


def _durations(text: str, asked: bool) -> list[_Found]:
    units: dict[str, float] = _vocabulary()["units"]
    found: list[_Found] = []
    for m in _ranges().finditer(text):
        if m.group("one"):
            low, high, unit = 1.0, float(m.group("e")), m.group("one")
        else:
            low = float(m.group("a") or m.group("c"))
            high = float(m.group("b") or m.group("d"))
            unit = m.group("unit")
        if low <= high:  # "a week or two" is 10.5 days: the middle of the range
            found.append(_Found(m.start(), m.end(), (low + high) / 2 * units[unit]))
    for m in _counts().finditer(text):
        number = float(m.group("n")) + (0.5 if m.group("half") or m.group("after") else 0)
        singular = not m.group("plural") and not m.group("after")
        found.append(_Found(m.start(), m.end(), number * units[m.group("unit")], singular))
    for pattern, days in _phrases(asked):
        found.extend(_Found(m.start(), m.end(), days) for m in pattern.finditer(text))
    return [f for f in found if _is_the_pains(text, f)]


@cache
def _named_days() -> tuple[re.Pattern[str], dict[str, dict[str, Any]]]:
    entries = {word: entry for entry in _vocabulary()["named_days"] for word in entry["words"]}
    return phrase_pattern(list(entries)), entries


def _weekday(entry: dict[str, Any]) -> Any:
    return weekdays[_CALENDAR.weekday(entry["weekday"])]


def _occurrence(entry: dict[str, Any], year: int) -> date:
    if "easter" in entry:
        day: date = easter(year) + relativedelta(days=entry["easter"])
        return day
    start = date(year, entry["month"], entry.get("day", 1))
    if "weekday" in entry:  # the nth such weekday of the month
        nth: date = start + relativedelta(weekday=_weekday(entry)(entry["nth"]))
        return nth
    return start


def _most_recent(entry: dict[str, Any], today: date, last: bool) -> date:
    """The named day's most recent occurrence up to today."""
    if "month" not in entry and "easter" not in entry:  # a day of the week: "the weekend"
        day: date = today + relativedelta(weekday=_weekday(entry)(-1))
        if last and day.isocalendar()[:2] == today.isocalendar()[:2]:
            day -= relativedelta(weeks=1)  # "last weekend", said at the weekend
        return day
    day = _occurrence(entry, today.year)
    return day if day <= today else _occurrence(entry, today.year - 1)


def _part_of_month(part: str, name: str, today: date) -> date | None:
    """ "the start of november", "mid-october", "the end of august": its most recent one."""
    month = parserinfo().month(name)
    if month is None:
        return None
    day = {"start": 1, "beginning": 1, "early": 1, "middle": 15, "mid": 15}.get(part, 31)
    when: date = date(today.year, month, 1) + relativedelta(day=day)
    return when if when <= today else when - relativedelta(years=1, day=day)


def _day_of_the_month(day: int, today: date) -> date | None:
    """ "the 3rd": the most recent 3rd, this month or before ("the 31st" is not November's
    last day, which relativedelta would make it, but October's 31st)."""
    for months in range(0, -12, -1) if 1 <= day <= 31 else ():
        when: date = today + relativedelta(months=months, day=day)
        if when.day == day and when <= today:
            return when
    return None


def _date_at(text: str, today: date, last: bool, reply: bool = False) -> date | None:
    """The date the text opens with ("the 3rd of november and it hurts"), or that the
    whole reply gives ("around christmas") when it is one."""
    text = _ROUGHLY.sub("", text)
    part = _PART_OF_MONTH.match(text)
    if part:
        return _part_of_month(part.group("part"), part.group("month"), today)
    pattern, entries = _named_days()
    named = pattern.search(text) if reply else pattern.match(re.sub(r"^the\s+", "", text))
    if named:
        return _most_recent(entries[named.group(1)], today, last)
    ordinal = _ORDINAL_DAY.search(text) if reply else _ORDINAL_DAY.match(text)
    if ordinal:
        return _day_of_the_month(int(ordinal.group(1)), today)
    words = text.split()[: LONGEST_DATE_REPLY if reply else LONGEST_DATE]
    for end in range(len(words), 0, -1):
        if _is_date(words[:end]):
            when = _parse_date(" ".join(words[:end]), today)
            if when is not None:
                return when
        if reply:
            break  # a reply is a date as a whole or not at all
    return None


def _is_date(words: list[str]) -> bool:
    date_words = _vocabulary()["date_words"]
    stripped = [w.strip(",.!?") for w in words]
    return any(w in date_words or _DATE_NUMBER.fullmatch(w) for w in stripped)


def _parse_date(phrase: str, today: date) -> date | None:
    if _DAY_AND_MONTH.fullmatch(phrase):
        # "3/11": the 3rd of November or March the 11th, whichever is past and the closest
        past = [
            when
            for order in ("DMY", "MDY")
            for when in [_dateparser(phrase, today, order)]
            if when is not None and when <= today
        ]
        return max(past, default=None)
    when = _dateparser(phrase, today)
    return when if when is not None and when <= today else None


def _dateparser(phrase: str, today: date, order: str | None = None) -> date | None:
    settings: dict[str, Any] = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
        "REQUIRE_PARTS": [],
    }
    if order:
        settings["DATE_ORDER"] = order
    when = dateparser.parse(phrase, languages=["en"], settings=settings)  # type: ignore[arg-type]
    return when.date() if when else None


@cache
def _since() -> re.Pattern[str]:
    cues = alternatives(_vocabulary()["since_words"])
    # a lookahead, so that "on my left side since tuesday" is tried at "since" too
    return re.compile(
        rf"(?<![\w'])(?={cues}\s+(?:(?P<last>last|this past)\s+)?"
        r"(?P<date>[a-z0-9][a-z0-9 ./'-]{1,40}))"
    )


@cache
def _bare_number() -> re.Pattern[str]:
    filler = rf"(?:{alternatives(_vocabulary()['bare_number_words'])}(?![\w'])[\s,.!?]*)*"
    return re.compile(rf"[\s,.!?]*{filler}(?P<n>{NUMBER})[\s,.!?]*{filler}")


def _first(found: list[_Found]) -> _Found:
    """The first duration named, the longest phrase where several start together."""
    return min(found, key=lambda f: (f.start, f.start - f.end))


def read_days(text: str, asked: bool, today: date | None = None) -> float | None:
    """Days since the pain started, or None when the text does not say.

    `asked`: the text answers the duration question, so a bare number counts as days and
    a date alone ("the day before yesterday", "christmas") as the day it started.
    """
    today = today or date.today()
    spellings = _vocabulary()["spellings"]
    text = _spellings().sub(lambda m: spellings[m.group(0)], normalise(text))
    text = _not_durations().sub(" , ", text)
    found = _durations(text, asked)
    days = [f for f in found if f.days >= 1]
    if days:
        return _first(days).days
    for since in _since().finditer(text):
        when = _date_at(since.group("date"), today, bool(since.group("last")))
        if when is not None:
            return float((today - when).days)
    if found:
        # hours only, and no date: "since this morning", "an hour ago"; hours beside days
        # or a date ("I sit for 10 hours ... from 3 weeks", "a 10 hour flight, since
        # Saturday") are how long something else lasted
        return _first(found).days
    if not asked:
        return None
    bare = _bare_number().fullmatch(text) if len(text) <= LONGEST_BARE_REPLY else None
    if bare:
        return float(bare.group("n"))
    if len(text.split()) <= LONGEST_DATE_REPLY:
        reply = _LAST.fullmatch(text)
        if reply:
            when = _date_at(reply.group("date"), today, bool(reply.group("last")), reply=True)
            if when is not None:
                return float((today - when).days)
    return None
