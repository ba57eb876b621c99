"""The clinic intake in the conversation: the appointment reference, consent, the therapist's
questions after the triage, the record saved as it goes, and "delete my data"."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, ActiveLoop, AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.intake.answers import read_item_answer
from actions.intake.questionnaire import Item, load_questionnaire
from actions.intake.records import FLAGGED_LEVELS, IntakeRecords, valid_ref
from actions.intake.saving import (
    ERASE_ACTION,
    intake_answers,
    intake_questions,
    questions_left,
    save_intake,
    storing,
)
from actions.reading.answers import Answer, read_answer
from actions.settings import clinic_time
from actions.tracker_state import message_from
from actions.triage.message import ASIDE_CONFIDENCE
from actions.triage.policy import LEVELS, policy
from actions.triage.slots import interview_from

logger = logging.getLogger(__name__)

INTAKE_INTERRUPTIONS = {"delete_my_data", "stop", "human_handoff"}
"""What the intake form leaves to the dialogue rules; any other reply is an answer."""
KEPT_ACROSS_A_NEW_INTAKE = ("emergency_number", "session_started_metadata")


class RecordsUnavailable(RuntimeError):
    """The intake records cannot be read (the database is down)."""


class ActionStartIntake(Action):
    """`/start_intake{"appointment_ref": REF}`: a new conversation for a registered appointment."""

    def name(self) -> str:
        return "action_start_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        events = [
            AllSlotsReset(),
            *(SlotSet(slot, tracker.get_slot(slot)) for slot in KEPT_ACROSS_A_NEW_INTAKE),
        ]
        ref = next(tracker.get_latest_entity_values("appointment_ref"), None)
        ref = str(ref).strip() if ref is not None else None
        try:
            starts_at = IntakeRecords.default().starts_at(ref) if ref else None
        except SQLAlchemyError as error:
            # Not "unknown reference", which would start the plain triage for good: the
            # action fails, so the channels apologise and keep the conversation as it was
            # (bot/server/channels/faults.py), and the link works again once the database is back.
            raise RecordsUnavailable(type(error).__name__) from None
        if starts_at is None:
            if ref:
                # a malformed reference is not repeated back: it may be anything at all
                shown = ref if valid_ref(ref) else "in your link"
                dispatcher.utter_message(response="utter_intake_unknown_ref", ref=shown)
            else:
                dispatcher.utter_message(response="utter_intake_without_ref")
            return [*events, SlotSet("appointment_ref", None)]
        dispatcher.utter_message(
            response="utter_intake_welcome",
            appointment_time=clinic_time(starts_at),
        )
        return [*events, SlotSet("appointment_ref", ref)]


class ActionAskIntakeConsent(Action):
    """The consent text of data/intake/questionnaire.yml, with a yes and a no to tap."""

    def name(self) -> str:
        return "action_ask_intake_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            text=load_questionnaire().consent,
            buttons=[
                {"title": "Yes, save my answers", "payload": "/affirm"},
                {"title": "No, don't store anything", "payload": "/deny"},
            ],
        )
        return []


class ValidateIntakeConsentForm(FormValidationAction):
    """Only a clear yes stores anything; "delete my data" here is a no."""

    def name(self) -> str:
        return "validate_intake_consent_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return domain_slots if tracker.get_slot("appointment_ref") else []

    async def extract_intake_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot(REQUESTED_SLOT) != "intake_consent":
            return {}
        message = message_from(tracker)
        if message.intent == "delete_my_data":
            return {"intake_consent": False}
        answer = read_answer(message.text, intent=message.intent)
        if answer is Answer.UNCLEAR:
            dispatcher.utter_message(response="utter_need_consent_answer")
            return {"intake_consent": None}  # the form asks again
        return {"intake_consent": answer is Answer.YES}


class ActionAcknowledgeConsent(Action):
    def name(self) -> str:
        return "action_acknowledge_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if tracker.get_slot("appointment_ref"):
            consented = tracker.get_slot("intake_consent")
            dispatcher.utter_message(
                response="utter_consent_given" if consented else "utter_consent_declined"
            )
        return []


class ValidateIntakeForm(FormValidationAction):
    """Reads each reply into the question asked, saves the record, and re-triages when a
    reply tells of a red flag ("it's worse since my leg went numb")."""

    def name(self) -> str:
        return "validate_intake_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await self.get_extraction_events(dispatcher, tracker, domain)
        if any(event.get("event") == "action_execution_rejected" for event in events):
            return events
        tracker.add_slots(events)
        if storing(tracker.slots) and tracker.get_slot(REQUESTED_SLOT):
            # a failure is told by action_close_intake, which saves again at the end
            save_intake(tracker.slots, tracker.sender_id)
        questions = await self.required_slots([], dispatcher, tracker, domain)
        return [*events, SlotSet(REQUESTED_SLOT, questions[0] if questions else None)]

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return questions_left(tracker.slots)

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        item = load_questionnaire().item(requested) if requested else None
        if item is None:
            return []
        message = message_from(tracker)
        if message.intent in INTAKE_INTERRUPTIONS and message.confidence >= ASIDE_CONFIDENCE:
            return [ActionExecutionRejected(self.form_name())]
        events = escalation(dispatcher, tracker)
        value = read_item_answer(item, message.text, message.intent)
        if value is None and not events:
            dispatcher.utter_message(
                response={
                    "boolean": "utter_need_yes_or_no",
                    "choice": "utter_need_intake_choice",
                }.get(item.type, "utter_did_not_understand")
            )
        # a slot set, even to None, keeps Rasa from rejecting the turn: the form asks again
        return [*events, SlotSet(requested, value)]


def escalation(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """A red flag told during the intake questions: the new level, if more urgent, is told
    at once and replaces the old one."""
    case = interview_from(tracker.slots).case
    told = set(message_from(tracker).values("finding")) - case.findings
    if not told:
        return []
    case = replace(case, findings=case.findings | told)
    decision = policy().decide(case)
    events: list[EventType] = [SlotSet("findings", sorted(case.findings))]
    current = tracker.get_slot("triage_level")
    if current is None or LEVELS.index(decision.level) < LEVELS.index(current):
        dispatcher.utter_message(response=f"utter_level_{decision.level}")
        events += [
            SlotSet("triage_level", decision.level),
            SlotSet("red_flags", decision.red_flags),
        ]
    return events


def ask_intake_question(dispatcher: CollectingDispatcher, tracker: Tracker, code: str) -> None:
    """One intake question in the questionnaire's words, after a word on what they are for
    when it is the first."""
    item = load_questionnaire().item(code)
    if item is None:
        raise KeyError(f"{code}: no such question in the intake questionnaire")
    if not any(value is not None for value in intake_answers(tracker.slots).values()):
        dispatcher.utter_message(response="utter_intake_questions_intro")
    dispatcher.utter_message(text=item.text, buttons=answer_buttons(item))


def answer_buttons(item: Item) -> list[dict[str, str]]:
    if item.type == "boolean":
        return [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    # the display text is read back like typed words (actions/intake/answers.py)
    return [{"title": option.display, "payload": option.display} for option in item.options]


def _asking_action(code: str) -> type[Action]:
    """The action Rasa's form runs to ask a slot: `action_ask_<slot>`."""

    async def run(
        self: Action, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        ask_intake_question(dispatcher, tracker, code)
        return []

    return type(
        f"ActionAsk_{code}",
        (Action,),
        {"name": lambda self: f"action_ask_{code}", "run": run, "__module__": __name__},
    )


ASKING_ACTIONS = tuple(_asking_action(item.code) for item in intake_questions())
"""Kept here so the action server finds them: it registers the live subclasses of Action."""


class ActionSaveIntake(Action):
    """Stores the triage result as soon as it is given, before the intake questions."""

    def name(self) -> str:
        return "action_save_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if storing(tracker.slots):
            save_intake(tracker.slots, tracker.sender_id)
        return []


class ActionCloseIntake(Action):
    """The last save, and what the person is told about it."""

    def name(self) -> str:
        return "action_close_intake"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if not storing(tracker.slots):
            return []
        saved = save_intake(tracker.slots, tracker.sender_id)
        if saved is None:
            dispatcher.utter_message(response="utter_intake_not_saved")
        elif tracker.get_slot("triage_level") in FLAGGED_LEVELS:
            dispatcher.utter_message(response="utter_intake_saved_flagged")
        else:
            dispatcher.utter_message(
                response="utter_intake_saved" if saved.complete else "utter_intake_saved_so_far",
                appointment_time=clinic_time(saved.starts_at),
            )
        return []


class ActionDeleteMyData(Action):
    """ "Delete my data": every intake this conversation gave, and then the conversation
    itself (its events and slots, which the tracker store erases when it sees this action
    in a turn). What the person said before is forgotten, so the interview ends too."""

    def name(self) -> str:
        return ERASE_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            deleted = IntakeRecords.default().erase_conversation(tracker.sender_id)
        except SQLAlchemyError as error:
            logger.error("Intake not deleted: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_intake_not_deleted")
        else:
            dispatcher.utter_message(
                response="utter_conversation_and_intake_deleted"
                if deleted
                else "utter_conversation_deleted"
            )
        return [AllSlotsReset(), ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
