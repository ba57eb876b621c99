"""An intake as a FHIR R4 QuestionnaireResponse, as the clinic API and the staff pages give it."""

from __future__ import annotations

from typing import Any

from actions.intake.questionnaire import load_questionnaire, questionnaire_response
from actions.intake.records import Intake

FHIR_JSON = "application/fhir+json"
FHIR_STATUS = {"in_progress": "in-progress", "completed": "completed"}


def fhir_response(intake: Intake) -> dict[str, Any]:
    """The intake as a QuestionnaireResponse: triage items from the slots, the rest from the
    answers the patient gave."""
    questionnaire = load_questionnaire()
    answers = {
        item.code: intake.slots.get(item.from_slot)
        if item.from_slot
        else intake.answers.get(item.code)
        for item in questionnaire.items
    }
    return questionnaire_response(
        questionnaire, intake.ref, answers, intake.updated_at, FHIR_STATUS[intake.status]
    )
