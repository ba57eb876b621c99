"""An intake as the staff pages show it: every code turned into the words staff read (region
labels, option texts, muscle names, red flag summaries, Yes/No), in one place so that the
list, the detail page and its printable copy cannot say different things."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from actions.intake.questionnaire import Item, load_questionnaire
from actions.intake.records import Intake
from actions.knowledge.pain import SIDES, read_regions
from actions.knowledge.rank import KnowledgeBase
from actions.triage.policy import policy
from actions.triage.result import levels

NOT_ANSWERED = "Not answered"
STATUSES = {"in_progress": "In progress", "completed": "Completed"}


@dataclass(frozen=True)
class Level:
    code: str | None
    """None until the triage has decided; the pages colour a level by its code."""
    title: str


UNDECIDED = Level(None, "Not decided yet")


@dataclass(frozen=True)
class Answer:
    label: str
    text: str
    answered: bool
    caution: bool


@dataclass(frozen=True)
class TriggerPoint:
    number: int
    """The number of its spot on the body map."""
    code: str
    name: str
    location: str


@dataclass(frozen=True)
class Summary:
    """One row of the list: enough to decide which intake to open first."""

    ref: str
    starts_at: str
    starts_at_iso: str
    status: str
    flagged: bool
    level: Level
    regions: list[str]
    side: str | None
    emergency_number: str | None = None
    """The conversation's number, the one the patient was told to call (None in a record
    kept before the intake stored it)."""


@dataclass(frozen=True)
class Detail:
    summary: Summary
    updated_at: str
    updated_at_iso: str
    trigger_points: list[TriggerPoint]
    unknown_muscles: list[str]
    """Muscle codes the knowledge base does not know: listed, but not on the map."""
    red_flags: list[str] | None
    """None until the triage has looked for them."""
    cautions: list[str]
    map_url: str | None
    map_alt: str
    triage_answers: list[Answer]
    intake_answers: list[Answer]
    health_answers: list[Answer]


def clinic_zone() -> ZoneInfo:
    """The clinic's time zone (KNOTBOT_CLINIC_TIMEZONE, as the bot tells patients times)."""
    return ZoneInfo(os.environ.get("KNOTBOT_CLINIC_TIMEZONE") or "UTC")


def start_of_today(now: datetime) -> datetime:
    """Midnight at the clinic: "today's intakes" are the clinic's today, not UTC's."""
    zone = clinic_zone()
    return datetime.combine(now.astimezone(zone).date(), time(), zone)


def summary(intake: Intake) -> Summary:
    found = levels().get(intake.triage_level or "")
    regions = read_regions()
    side = load_questionnaire().item("pain_side")
    return Summary(
        ref=intake.ref,
        starts_at=_when(intake.starts_at),
        starts_at_iso=intake.starts_at.isoformat(),
        status=STATUSES.get(intake.status, intake.status),
        flagged=intake.flagged,
        level=Level(intake.triage_level, found["title"]) if found else UNDECIDED,
        regions=[regions.get(code, code) for code in intake.slots.get("pain_regions") or ()],
        side=_display(side, intake.slots.get("pain_side")),
        emergency_number=intake.slots.get("emergency_number"),
    )


def detail(intake: Intake, knowledge: KnowledgeBase) -> Detail:
    codes = [str(code) for code in intake.slots.get("trigger_points") or ()]
    cards = knowledge.cards(codes)
    known = {card.code for card in cards}
    flags = {rule.code: rule.summary for rule in policy().rules}
    names = {
        "red_flags": flags,
        "trigger_points": {card.code: card.name for card in cards},
    }
    items = load_questionnaire().items
    rows = {
        item.code: _answer(item, _value(intake, item), names.get(item.code, {})) for item in items
    }
    points = [
        TriggerPoint(number, card.code, card.name, " ".join(card.locations))
        for number, card in enumerate(cards, start=1)
    ]
    base = summary(intake)
    map_url, map_alt = _body_map(intake.slots, base, points)
    return Detail(
        summary=base,
        updated_at=_when(intake.updated_at),
        updated_at_iso=intake.updated_at.isoformat(),
        trigger_points=points,
        unknown_muscles=[code for code in codes if code not in known],
        red_flags=None
        if intake.slots.get("red_flags") is None
        else [flags.get(code, code) for code in intake.slots["red_flags"]],
        cautions=[
            item.caution for item in items if item.caution and intake.answers.get(item.code) is True
        ],
        map_url=map_url,
        map_alt=map_alt,
        triage_answers=[rows[item.code] for item in items if item.from_slot],
        intake_answers=[
            rows[item.code] for item in items if not item.from_slot and not item.caution
        ],
        health_answers=[rows[item.code] for item in items if item.caution],
    )


def _body_map(
    slots: Mapping[str, Any], base: Summary, points: Sequence[TriggerPoint]
) -> tuple[str | None, str]:
    """The /bodymap.svg address of the pain and the numbered spots, and its alt text. Only
    known codes go in: the map answers an unknown one with an error, not a picture."""
    regions = [code for code in slots.get("pain_regions") or () if code in read_regions()]
    if not regions and not points:
        return None, ""
    query = {"regions": ",".join(regions)}
    if slots.get("pain_side") in SIDES:
        query["side"] = slots["pain_side"]
    if points:
        query["muscles"] = ",".join(point.code for point in points)
    where = "; ".join(base.regions) or "no region"
    alt = f"Body map with the pain marked: {where}"
    if base.side:
        alt += f" ({base.side})"
    alt += "."
    if points:
        alt += " Trigger points: " + "; ".join(f"{p.number} {p.name}" for p in points) + "."
    return "/bodymap.svg?" + urlencode(query, safe=","), alt


def _value(intake: Intake, item: Item) -> Any:
    """The triage's items are answered by its slots, the others by the patient's answers."""
    return intake.slots.get(item.from_slot) if item.from_slot else intake.answers.get(item.code)


def _answer(item: Item, value: Any, names: Mapping[str, str]) -> Answer:
    if value is None or (isinstance(value, str) and not value.strip()):
        return Answer(item.text, NOT_ANSWERED, answered=False, caution=False)
    if isinstance(value, list):
        # an empty list is an answer: the triage looked and found nothing
        words = [_one(item, one, names) for one in value] or ["None"]
        return Answer(item.text, "; ".join(words), answered=True, caution=False)
    caution = item.caution is not None and value is True
    return Answer(item.text, _one(item, value, names), answered=True, caution=caution)


def _one(item: Item, value: Any, names: Mapping[str, str]) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float)):
        return f"{value:g}"
    return _display(item, value) or names.get(str(value), str(value))


def _display(item: Item | None, code: Any) -> str | None:
    option = item.option(str(code)) if item and code is not None else None
    return option.display if option else None


def _when(moment: datetime) -> str:
    local = moment.astimezone(clinic_zone())
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()}"
