"""Reading the domain objects out of a Rasa tracker: the only place that knows slot names."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.triage.case import Case
from actions.triage.reply import CHOICES_FOR, RAISED, UNKNOWN, Interview, Message, vague_regions
from actions.triage.screening import questions


def case_from(slots: dict[str, Any]) -> Case:
    return Case(
        regions=tuple(slots.get("pain_regions") or ()),
        maybe_regions=tuple(
            code
            for key in slots.get("vague_regions") or ()
            if key in vague_regions()
            for code in vague_regions()[key].choices
        ),
        side=slots.get("pain_side"),
        cause=slots.get("pain_cause"),
        activity=slots.get("pain_activity"),
        days=slots.get("pain_duration_days"),
        intensity=slots.get("pain_intensity"),
        findings=frozenset(slots.get("findings") or ()),
        answered=frozenset(q.code for q in questions() if slots.get(q.slot) is not None),
        raised=frozenset(slots.get(RAISED) or ()),
        unknown=frozenset(slots.get(UNKNOWN) or ()),
    )


def interview_from(slots: dict[str, Any]) -> Interview:
    return Interview(
        case=case_from(slots),
        vague_regions=tuple(slots.get("vague_regions") or ()),
        unclear=frozenset(slots.get("unclear_questions") or ()),
        singly=frozenset(slots.get("ask_singly") or ()),
        choices_for=slots.get(CHOICES_FOR),
    )


def message_from(tracker: Tracker) -> Message:
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    return Message(
        text=latest.get("text") or "",
        intent=intent.get("name"),
        confidence=intent.get("confidence") or 0.0,
        entities=tuple(latest.get("entities") or ()),
    )
