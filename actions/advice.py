"""The end of the interview: the triage level and what to do, then the likely trigger points."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.channels import abilities_of, bulleted
from actions.knowledge.rank import KnowledgeBase, MuscleCard, RankedMuscle
from actions.triage.places import usual_places
from actions.triage.policy import policy
from actions.triage.result import result_card
from actions.triage.slots import case_from

logger = logging.getLogger(__name__)

LEVELS_WITH_TRIGGER_POINTS = ("doctor", "therapist", "self_care")
"""Emergency and urgent advice says nothing else: no muscles, no self-care."""


class ActionGiveTriageAdvice(Action):
    def name(self) -> str:
        return "action_give_triage_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        decision = policy().decide(case_from(tracker.slots))
        # the response reads the conversation's `emergency_number` slot (actions/session.py)
        dispatcher.utter_message(response=f"utter_level_{decision.level}")
        events = [SlotSet("triage_level", decision.level), SlotSet("red_flags", decision.red_flags)]
        if not tracker.get_slot("pain_regions"):
            # an emergency can end the interview before "which part of your back?"
            places = usual_places(tracker.get_slot("vague_regions") or ())
            events.append(SlotSet("pain_regions", places))
        return events


class ActionSuggestTriggerPoints(Action):
    def name(self) -> str:
        return "action_suggest_trigger_points"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        level = tracker.get_slot("triage_level")
        if level not in LEVELS_WITH_TRIGGER_POINTS:
            return []
        try:
            muscles = likely_muscles(tracker)
        except SQLAlchemyError as error:
            logger.error("Knowledge base lookup failed: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_knowledge_base_unavailable")
            return []
        for_doctor = level == "doctor"
        if not muscles:
            # the place was never said: no referral pattern to look up
            dispatcher.utter_message(response="utter_no_place_no_trigger_points")
        elif not abilities_of(tracker.get_latest_input_channel()).result_card:
            dispatcher.utter_message(
                response="utter_trigger_points_intro_doctor"
                if for_doctor
                else "utter_trigger_points_intro"
            )
            for number, (muscle, card) in enumerate(muscles, start=1):
                dispatcher.utter_message(
                    response="utter_trigger_point_for_doctor"
                    if for_doctor
                    else "utter_trigger_point",
                    number=number,
                    name=muscle.name,
                    reason=muscle.reason,
                    location=" ".join(card.locations),
                    pressure=card.pressure,
                    stretch=card.stretch,
                    caution=bulleted(card.cautions) or " None known.",
                )
        if not for_doctor:
            dispatcher.utter_message(response="utter_self_care_general")
        return [SlotSet("trigger_points", [muscle.code for muscle, _ in muscles])]


class ActionShowResultCard(Action):
    """The advice as a card a channel can draw: the body map, the level, the muscles."""

    def name(self) -> str:
        return "action_show_result_card"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        level = tracker.get_slot("triage_level")
        if level is None:
            return []
        muscles = []
        if level in LEVELS_WITH_TRIGGER_POINTS:
            try:
                muscles = likely_muscles(tracker)
            except SQLAlchemyError as error:
                logger.error("Knowledge base lookup failed: %s", type(error).__name__)
        card = result_card(
            level,
            tracker.get_slot("pain_regions") or [],
            tracker.get_slot("pain_side"),
            muscles,
            tracker.get_slot("emergency_number"),
        )
        dispatcher.utter_message(json_message=card)
        return []


def likely_muscles(tracker: Tracker) -> list[tuple[RankedMuscle, MuscleCard]]:
    """The case's likeliest muscles, most likely first, each with what to tell about it."""
    case = case_from(tracker.slots)
    knowledge = KnowledgeBase.default()
    muscles = knowledge.rank(
        case.regions, case.cause, case.side, symptoms=case.findings, activity=case.activity
    )
    return list(zip(muscles, knowledge.cards([m.code for m in muscles]), strict=True))
