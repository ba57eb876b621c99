"""The Rasa actions, run as the action server runs them, with rasa_sdk's Tracker."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import ActionGiveTriageAdvice, ActionSuggestTriggerPoints
from actions.session import ActionSessionStart
from actions.triage.screening import questions
from actions.triage_form import ActionAskPainRegions, ValidateTriageForm

DOMAIN: dict = {"slots": {}, "forms": {"triage_form": {"required_slots": []}}}


def tracker(text: str = "", intent: str = "inform", entities=(), **slots) -> Tracker:
    return Tracker(
        sender_id="test",
        slots=slots,
        latest_message={"text": text, "intent": {"name": intent}, "entities": list(entities)},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "triage_form"},
        latest_action_name="action_listen",
    )


def entity(kind: str, value: str, **extra) -> dict:
    return {"entity": kind, "value": value, **extra}


def as_dict(events) -> dict:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_the_form_reads_the_opening_message_and_asks_what_is_missing():
    dispatcher = CollectingDispatcher()
    events = await ValidateTriageForm().run(
        dispatcher,
        tracker(
            "a sore knot on top of my right shoulder from my laptop, about 3/10",
            entities=[
                entity("body_region", "shoulder_top"),
                entity("side", "right"),
                entity("cause", "posture"),
            ],
        ),
        DOMAIN,
    )
    slots = as_dict(events)
    assert slots["pain_regions"] == ["shoulder_top"]
    assert slots["pain_side"] == "right"
    assert slots["pain_cause"] == "posture"
    assert slots["pain_intensity"] == 3
    assert slots["requested_slot"] == "screening"  # the red flags before how long
    assert dispatcher.messages == []


async def test_an_emergency_ends_the_form():
    events = await ValidateTriageForm().run(
        CollectingDispatcher(),
        tracker(
            "my calf hurts and I'm short of breath",
            entities=[entity("body_region", "calf"), entity("finding", "breathless")],
        ),
        DOMAIN,
    )
    assert SlotSet("requested_slot", None) in events


async def test_an_unreadable_answer_is_said_and_asked_again():
    dispatcher = CollectingDispatcher()
    events = await ValidateTriageForm().run(
        dispatcher,
        tracker(
            "purple",
            intent="inform",
            requested_slot="pain_intensity",
            pain_regions=["calf"],
            pain_cause="overuse",
            pain_duration_days=2,
            **{question.slot: "no" for question in questions()},  # screened first
        ),
        DOMAIN,
    )
    assert [m["response"] for m in dispatcher.messages] == ["utter_did_not_understand_intensity"]
    assert as_dict(events)["requested_slot"] == "pain_intensity"


async def test_the_region_question_offers_the_parts_of_a_vague_place():
    dispatcher = CollectingDispatcher()
    await ActionAskPainRegions().run(dispatcher, tracker(vague_regions=["back"]), DOMAIN)
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_which_part"
    assert {b["payload"] for b in message["buttons"]} >= {'/inform{"body_region": "low_back"}'}


async def test_the_advice_sets_level_and_red_flags():
    dispatcher = CollectingDispatcher()
    events = await ActionGiveTriageAdvice().run(
        dispatcher,
        tracker(pain_regions=["low_back"], pain_cause="unknown", findings=["fever"]),
        DOMAIN,
    )
    assert as_dict(events) == {"triage_level": "urgent", "red_flags": ["fever_with_spinal_pain"]}
    assert dispatcher.messages[0]["response"] == "utter_level_urgent"


@pytest.fixture
def knowledge_base(kb_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", kb_url)


async def test_trigger_points_for_self_care(knowledge_base):
    dispatcher = CollectingDispatcher()
    events = await ActionSuggestTriggerPoints().run(
        dispatcher,
        tracker(triage_level="self_care", pain_regions=["shoulder_top"], pain_cause="posture"),
        DOMAIN,
    )
    muscles = as_dict(events)["trigger_points"]
    assert len(muscles) == 3 and "upper_trapezius" in muscles
    responses = [m["response"] for m in dispatcher.messages]
    assert responses.count("utter_trigger_point") == 3
    assert responses[-1] == "utter_self_care_general"


async def test_no_trigger_points_for_urgent(knowledge_base):
    dispatcher = CollectingDispatcher()
    events = await ActionSuggestTriggerPoints().run(
        dispatcher, tracker(triage_level="urgent", pain_regions=["calf"]), DOMAIN
    )
    assert events == [] and dispatcher.messages == []


async def test_a_missing_database_gets_a_friendly_message(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    dispatcher = CollectingDispatcher()
    events = await ActionSuggestTriggerPoints().run(
        dispatcher, tracker(triage_level="therapist", pain_regions=["calf"]), DOMAIN
    )
    assert events == []
    assert dispatcher.messages[0]["response"] == "utter_knowledge_base_unavailable"


async def test_a_session_starts_with_the_emergency_number(monkeypatch):
    monkeypatch.setenv("KNOTBOT_EMERGENCY_NUMBER", "112")
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker(), DOMAIN)
    assert as_dict(events) == {"emergency_number": "112"}


async def test_after_a_place_we_could_not_read_the_question_offers_body_areas():
    dispatcher = CollectingDispatcher()
    await ActionAskPainRegions().run(
        dispatcher, tracker(unclear_questions=["pain_regions"]), DOMAIN
    )
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_pain_regions_by_area"
    payloads = {b["title"]: b["payload"] for b in message["buttons"]}
    assert payloads["Back"] == '/inform{"vague_region": "back"}'
    assert payloads["Chest"] == '/inform{"body_region": "chest"}'
