"""A question about one muscle ("how do I stretch my piriformis?"), answered from the
knowledge base: where its trigger point is, where it sends pain, how to work it, and a
picture of it on the body map for the channels that draw one."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.channels import bulleted
from actions.knowledge.naming import named_muscle
from actions.knowledge.rank import KnowledgeBase

logger = logging.getLogger(__name__)


class ActionAnswerMuscleQuestion(Action):
    def name(self) -> str:
        return "action_answer_muscle_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        knowledge = KnowledgeBase.default()
        try:
            code = named_muscle(tracker.latest_message.get("text") or "", knowledge.muscle_names())
            cards = knowledge.cards([code]) if code else []
            regions = knowledge.referred_regions(code) if code else []
        except SQLAlchemyError as error:
            logger.error("Knowledge base lookup failed: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_knowledge_base_unavailable")
            return []
        if not cards:
            dispatcher.utter_message(response="utter_muscle_not_known")
            return []
        card = cards[0]
        dispatcher.utter_message(
            response="utter_muscle_answer",
            name=card.name,
            location=" ".join(card.locations),
            refers=", ".join(label.lower() for _, label in regions),
            pressure=card.pressure,
            stretch=card.stretch,
            caution=bulleted(card.cautions) or " Nothing special.",
        )
        dispatcher.utter_message(
            json_message={
                "knotbot": "muscle",
                "code": card.code,
                "name": card.name,
                "regions": [{"code": c, "label": label} for c, label in regions],
            }
        )
        return []
