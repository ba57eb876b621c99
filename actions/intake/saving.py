"""The intake as the conversation holds it: which questions the bot asks, the answers its
slots hold, and saving them to the appointment's record."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from actions.intake.questionnaire import Item, load_questionnaire
from actions.intake.records import FLAGGED_LEVELS, IntakeError, IntakeRecords

logger = logging.getLogger(__name__)

ERASE_ACTION = "action_delete_my_data"
""""Delete my data": the action that erases the intakes the conversation gave, after which
the Rasa server's tracker store erases the conversation itself (bot/server/stores.py)."""


def intake_questions() -> list[Item]:
    """The questions the bot asks itself: the triage's slots answer the others."""
    return [item for item in load_questionnaire().items if not item.from_slot]


def triage_slots(slots: Mapping[str, Any]) -> dict[str, Any]:
    return {
        item.from_slot: slots.get(item.from_slot)
        for item in load_questionnaire().items
        if item.from_slot
    }


def intake_answers(slots: Mapping[str, Any]) -> dict[str, Any]:
    return {item.code: slots.get(item.code) for item in intake_questions()}


def storing(slots: Mapping[str, Any]) -> bool:
    """The person consented, for an appointment: what they say is kept for the clinic."""
    return bool(slots.get("intake_consent")) and bool(slots.get("appointment_ref"))


def questions_left(slots: Mapping[str, Any]) -> list[str]:
    """The intake questions still to ask; none once the triage sent the person elsewhere
    first (emergency, urgent) or when nothing is being stored."""
    if not storing(slots) or slots.get("triage_level") in FLAGGED_LEVELS:
        return []
    return [item.code for item in intake_questions() if slots.get(item.code) is None]


@dataclass(frozen=True)
class SavedIntake:
    complete: bool
    starts_at: datetime


def save_intake(slots: Mapping[str, Any], sender_id: str) -> SavedIntake | None:
    """Store what the conversation holds in the appointment's record; None when it could
    not be stored (logged by the error's type alone, which never holds what was typed).

    An emergency or urgent result completes the intake: the person is told to get care
    first, and the record is flagged for the clinic."""
    answers = intake_answers(slots)
    complete = slots.get("triage_level") in FLAGGED_LEVELS or all(
        value is not None for value in answers.values()
    )
    try:
        starts_at = IntakeRecords.default().save(
            slots["appointment_ref"], sender_id, triage_slots(slots), answers, complete
        )
    except (SQLAlchemyError, IntakeError) as error:
        logger.error("Intake not saved: %s", type(error).__name__)
        return None
    return SavedIntake(complete, starts_at)
