"""The interview's state as the conversation keeps it, in the slots docs/contract.md names,
and read back into a Case and an Interview."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from actions.triage.case import Case
from actions.triage.places import vague_regions
from actions.triage.screening import questions

RAISED, UNKNOWN, CHOICES_FOR = "raised_questions", "unknown_answers", "choices_for"
INTERVIEW_BOOKKEEPING = {"unclear_questions", "ask_singly", "choices_for"}
"""Slots that say how the interview went, not what the person said."""
RAISED, UNKNOWN, CHOICES_FOR = "raised_questions", "unknown_answers", "choices_for"


@dataclass(frozen=True)
class Interview:
    """The case plus what the interview itself keeps: the vague region it asked about and
    the questions that got an unclear answer once."""

    case: Case
    vague_regions: tuple[str, ...] = ()
    unclear: frozenset[str] = frozenset()
    singly: frozenset[str] = frozenset()
    """Screening questions to ask one at a time, since their group got no clear "no"."""
    choices_for: str | None = None
    """The question asked the last time with choices, since two answers to it were
    unreadable: a third one leaves it unknown."""


def case_from(slots: Mapping[str, Any]) -> Case:
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


def interview_from(slots: Mapping[str, Any]) -> Interview:
    return Interview(
        case=case_from(slots),
        vague_regions=tuple(slots.get("vague_regions") or ()),
        unclear=frozenset(slots.get("unclear_questions") or ()),
        singly=frozenset(slots.get("ask_singly") or ()),
        choices_for=slots.get(CHOICES_FOR),
    )
