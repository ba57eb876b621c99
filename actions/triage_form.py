"""The triage interview as a Rasa form: which question comes next, and reading the replies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.channels import abilities_of
from actions.knowledge.pain import read_regions
from actions.settings import today
from actions.tracker_state import message_from
from actions.triage.interview import questions_to_ask, screening_group
from actions.triage.places import body_areas, vague_regions
from actions.triage.reply import read_message
from actions.triage.screening import Question, question_for_slot
from actions.triage.slots import interview_from

REJECTED = ActionExecutionRejected("")["event"]


class ValidateTriageForm(FormValidationAction):
    """Reads each message once into every slot it speaks to, then names the next question.

    The SDK's default run keeps only the slots still to be asked; a reply here also
    fills slots nobody asked for yet (a side, a finding), so all of them are kept.
    """

    def name(self) -> str:
        return "validate_triage_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if handed_to_the_rules(tracker):
            # back from a question the rules answered: its message was read already
            dispatcher.utter_message(response="utter_back_to_check")
            events = []
        else:
            events = await self.get_extraction_events(dispatcher, tracker, domain)
        if any(event.get("event") == REJECTED for event in events):
            return events  # not an answer: the rules answer it
        tracker.add_slots(events)
        questions = await self.required_slots([], dispatcher, tracker, domain)
        # None ends the form: nothing left to ask, or an emergency
        return [*events, SlotSet(REQUESTED_SLOT, questions[0] if questions else None)]

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        interview = interview_from(tracker.slots)
        return questions_to_ask(interview.case, interview.singly)

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        reading = read_message(
            message_from(tracker), requested, interview_from(tracker.slots), today()
        )
        if reading.interrupted:
            return [ActionExecutionRejected(self.form_name())]
        for response in reading.responses:
            dispatcher.utter_message(response=response)
        if requested and not reading.slots:
            # Rasa rejects a form turn that sets no slot, and the reply above would be lost;
            # setting the question's slot to what it was keeps the form asking it again.
            reading.slots[requested] = tracker.get_slot(requested)
        return [SlotSet(slot, value) for slot, value in reading.slots.items()]


def handed_to_the_rules(tracker: Tracker) -> bool:
    """The form rejected the latest message, so the rules answered it (Rasa does not always
    mark the loop as interrupted when it comes back)."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == REJECTED and event.get("name") == "triage_form":
            return True
    return False


class ActionAskPainRegions(Action):
    """Where does it hurt, or, after a vague word like "my back", which part of it."""

    def name(self) -> str:
        return "action_ask_pain_regions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        vague = tracker.get_slot("vague_regions") or []
        labels = read_regions()
        if not vague or vague[0] not in vague_regions():
            unclear = "pain_regions" in (tracker.get_slot("unclear_questions") or [])
            if unclear or not abilities_of(tracker.get_latest_input_channel()).body_map:
                dispatcher.utter_message(
                    response="utter_ask_pain_regions_by_area", buttons=area_buttons(labels)
                )
            else:
                dispatcher.utter_message(response="utter_ask_pain_regions")
            return []
        buttons = [
            inform_button(labels[code], "body_region", code)
            for code in vague_regions()[vague[0]].choices
        ]
        dispatcher.utter_message(
            response="utter_ask_which_part", buttons=buttons, place=vague[0].replace("_", " ")
        )
        return []


class ActionAskScreenMeningitis(Action):
    """The meningitis signs, asked with the fever they go with when no fever is known yet:
    words that hint at meningitis bring the question forward before the fever question."""

    def name(self) -> str:
        return "action_ask_screen_meningitis"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        question = question_for_slot("screen_meningitis")
        known = (
            question is not None
            and question.requires <= interview_from(tracker.slots).case.findings
        )
        dispatcher.utter_message(
            response="utter_ask_screen_meningitis"
            if known
            else "utter_ask_screen_meningitis_in_full"
        )
        return []


class ActionAskScreening(Action):
    """Several red-flag questions in one "Do you have any of these?", so one "no" will do."""

    def name(self) -> str:
        return "action_ask_screening"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        interview = interview_from(tracker.slots)
        group = screening_group(interview.case, interview.singly)
        items = screening_items(group, domain.get("responses", {}))
        dispatcher.utter_message(response="utter_ask_screening", items=items)
        return []


def screening_items(group: list[Question], responses: Mapping[str, Any]) -> str:
    """The group's questions as lines of a list, in their `utter_screen_item_<code>` words."""
    return "\n".join(f"- {responses[f'utter_screen_item_{q.code}'][0]['text']}" for q in group)


def inform_button(title: str, entity: str, value: str) -> dict[str, str]:
    """A button whose payload gives the entity straight to Rasa, skipping the NLU."""
    return {"title": title, "payload": f'/inform{{"{entity}": "{value}"}}'}


def area_buttons(labels: Mapping[str, str]) -> list[dict[str, str]]:
    """One button per area; `group` lets a channel lay them out in rows (Telegram does)."""
    return [
        {
            **(
                inform_button(labels[area], "body_region", area)
                if area in labels
                else inform_button(area.replace("_", " ").capitalize(), "vague_region", area)
            ),
            "group": group,
        }
        for group, areas in body_areas().items()
        for area in areas
    ]
