"""The clinic intake as a patient has it, over the REST channel: a registered appointment,
consent, the triage, the therapist's questions, and the record the clinic then reads."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
from fhir.resources.questionnaireresponse import QuestionnaireResponse

from actions.knowledge.database import engine
from tests.conftest import CLINIC_TOKEN, texts

STAFF = {"Authorization": f"Bearer {CLINIC_TOKEN}"}

SELF_CARE_KNOT = (
    "I've had a knot between my shoulder blades since I started working from home",
    "no",  # the red-flag questions, asked first, as one group
    "4 days",
    "3",
)
INTAKE_ANSWERS = (
    "sitting at my desk all afternoon",
    "a hot shower helps",
    "stretching and ibuprofen, it helped a bit",
    "I'd like to be able to turn my head without it pulling",
    "Firm",
    "please avoid my feet, they're ticklish",
    "no",  # blood thinners
    "no",  # pregnancy
    "yes",  # recent surgery
    "no",  # varicose veins or clots
    "no",  # skin conditions
    "not that I know of",  # osteoporosis
)


def appointment(bot, hours: int = 26) -> str:
    ref = f"APT-{uuid.uuid4().hex[:8].upper()}"
    starts = datetime.now(timezone.utc) + timedelta(hours=hours)
    reply = requests.post(
        f"{bot.web_url}/clinic/appointments",
        json={"ref": ref, "starts_at": starts.isoformat()},
        headers=STAFF,
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    return ref


def start(ref: str) -> str:
    return "/start_intake" + json.dumps({"appointment_ref": ref})


def intake(bot, ref: str) -> dict | None:
    reply = requests.get(f"{bot.web_url}/clinic/intakes/{ref}", headers=STAFF, timeout=10)
    if reply.status_code == 404:
        return None
    reply.raise_for_status()
    return reply.json()


def test_a_whole_intake_stores_one_record_with_the_triage_and_every_answer(bot, kb_url):
    ref = appointment(bot)
    sender, replies = bot.talk(start(ref), "yes", *SELF_CARE_KNOT, *INTAKE_ANSWERS)
    said = [texts(reply) for reply in replies]
    assert "before your appointment on" in said[0] and "Is it OK to save" in said[0]
    assert "Where does it hurt?" in said[1]
    triage_end = len(SELF_CARE_KNOT) + 1
    assert "self-care" in said[triage_end] and "What makes the pain worse?" in said[triage_end]
    assert "How much pressure" in said[triage_end + 4]
    assert "saved for your appointment" in said[-1]
    assert sum("Where does it hurt?" in s for s in said) == 1  # the triage is not asked twice

    record = intake(bot, ref)
    slots = bot.slots(sender)
    assert record["status"] == "completed" and not record["flagged"]
    assert record["triage_level"] == "self_care"
    for slot in ("pain_regions", "pain_cause", "triage_level", "trigger_points", "red_flags"):
        assert record["slots"][slot] == record[slot] == slots[slot]
    assert record["answers"] == {
        "makes_worse": "sitting at my desk all afternoon",
        "makes_better": "a hot shower helps",
        "tried_so_far": "stretching and ibuprofen, it helped a bit",
        "session_goals": "I'd like to be able to turn my head without it pulling",
        "pressure_preference": "firm",
        "areas_to_avoid": "please avoid my feet, they're ticklish",
        "blood_thinners": False,
        "pregnancy": False,
        "recent_surgery": True,
        "varicose_veins_or_clots": False,
        "skin_conditions": False,
        "osteoporosis": False,
    }
    with engine(kb_url).connect() as connection:
        count = connection.exec_driver_sql(
            "SELECT count(*) FROM intake_record WHERE appointment_ref = ?", (ref,)
        ).scalar()
    assert count == 1

    fhir = requests.get(f"{bot.web_url}/clinic/intakes/{ref}/fhir", headers=STAFF, timeout=10)
    response = QuestionnaireResponse.parse_raw(fhir.content)
    assert response.status == "completed" and response.identifier.value == ref
    linked = {item.linkId: item.answer[0] for item in response.item}
    assert linked["pressure_preference"].valueCoding.code == "firm"
    assert linked["recent_surgery"].valueBoolean is True
    assert linked["triage_level"].valueCoding.code == "self_care"


def test_without_consent_the_bot_helps_and_stores_nothing(bot):
    ref = appointment(bot)
    sender, replies = bot.talk(start(ref), "no thanks", *SELF_CARE_KNOT)
    assert "nothing will be stored" in texts(replies[1])
    assert bot.slots(sender)["triage_level"] == "self_care"
    assert "What makes the pain worse?" not in texts(replies[-1])
    assert intake(bot, ref) is None


def test_an_unclear_consent_answer_is_asked_again(bot):
    ref = appointment(bot)
    _, replies = bot.talk(start(ref), "my neck hurts", "/affirm")
    assert "I need a yes or a no" in texts(replies[1]) and "Is it OK to save" in texts(replies[1])
    assert "Where does it hurt?" in texts(replies[2])


@pytest.mark.parametrize(
    ("ref", "shown"),
    [("NOPE-404", "NOPE-404"), ("<script>x</script>", "in your link"), ("", None)],
)
def test_an_unknown_or_malformed_reference_gets_a_clear_message_not_an_intake(bot, ref, shown):
    sender, (reply, after) = bot.talk(start(ref), *SELF_CARE_KNOT[:1])
    said = texts(reply)
    if shown:
        assert "can't find an appointment with the reference" in said and f'"{shown}"' in said
        assert "<script>" not in said
    else:
        assert "open the link in your clinic's message" in said
    assert "nothing you tell me will be stored" in said
    assert "Where does it hurt?" in said
    assert "any of these" in texts(after)  # the plain triage, red flags first
    assert bot.slots(sender)["appointment_ref"] is None


def test_delete_my_data_during_the_intake_questions_erases_the_record(bot):
    ref = appointment(bot)
    sender, replies = bot.talk(
        start(ref), "yes", *SELF_CARE_KNOT, INTAKE_ANSWERS[0], "please delete my data"
    )
    assert "deleted this conversation, everything you told me" in texts(replies[-1])
    assert "answers you gave for your clinic appointment" in texts(replies[-1])
    assert intake(bot, ref) is None
    assert bot.slots(sender)["intake_consent"] is None  # the conversation is gone too
    bot.send(sender, "my calves are sore too")
    assert intake(bot, ref) is None


def test_delete_my_data_after_the_intake_erases_it(bot):
    ref = appointment(bot)
    sender, _ = bot.talk(start(ref), "yes", *SELF_CARE_KNOT, *INTAKE_ANSWERS)
    assert intake(bot, ref)["status"] == "completed"
    said = texts(bot.send(sender, "delete my data"))
    assert "answers you gave for your clinic appointment" in said
    assert intake(bot, ref) is None


def test_an_emergency_is_told_first_and_stored_flagged_without_the_therapist_questions(bot):
    ref = appointment(bot)
    _, replies = bot.talk(
        start(ref), "yes", "my jaw and upper back hurt and I feel short of breath and clammy"
    )
    said = texts(replies[-1])
    assert said.index("911") < said.index("marked it for the clinic's attention")
    assert "What makes the pain worse?" not in said
    record = intake(bot, ref)
    assert record["flagged"] and record["triage_level"] == "emergency"
    assert record["status"] == "completed" and "heart_attack" in record["slots"]["red_flags"]
    listed = requests.get(f"{bot.web_url}/clinic/intakes", headers=STAFF, timeout=10).json()
    assert listed["intakes"][0]["flagged"]


def test_a_red_flag_told_during_the_intake_questions_raises_the_level(bot):
    ref = appointment(bot)
    _, replies = bot.talk(
        start(ref), "yes", *SELF_CARE_KNOT, "walking, and now I'm short of breath and clammy"
    )
    said = texts(replies[-1])
    assert "911" in said and "marked it for the clinic's attention" in said
    record = intake(bot, ref)
    assert record["triage_level"] == "emergency" and record["flagged"]
    assert record["answers"]["makes_worse"] == "walking, and now I'm short of breath and clammy"


def test_unclear_answers_to_the_health_screen_and_choices_are_asked_again(bot):
    ref = appointment(bot)
    sender, replies = bot.talk(
        start(ref), "yes", *SELF_CARE_KNOT, *INTAKE_ANSWERS[:4], "medium to firm", "medium"
    )
    assert "didn't catch which one" in texts(replies[-2])
    assert bot.slots(sender)["pressure_preference"] == "medium"
    replies = [bot.send(sender, text) for text in (INTAKE_ANSWERS[5], "maybe?", "/deny")]
    assert "clear yes or no" in texts(replies[1])
    assert bot.slots(sender)["blood_thinners"] is False


def test_stopping_the_intake_questions_keeps_what_was_answered(bot):
    ref = appointment(bot)
    _, replies = bot.talk(start(ref), "yes", *SELF_CARE_KNOT, INTAKE_ANSWERS[0], "stop")
    assert "saved what you've answered so far" in texts(replies[-1])
    record = intake(bot, ref)
    assert record["status"] == "in_progress"
    assert record["answers"] == {"makes_worse": INTAKE_ANSWERS[0]}


def test_delete_my_data_during_the_triage_ends_it_and_stores_nothing(bot):
    ref = appointment(bot)
    sender, replies = bot.talk(start(ref), "yes", SELF_CARE_KNOT[0], "delete my data")
    assert "deleted this conversation and everything you told me" in texts(replies[3])
    assert "any of these" not in texts(replies[3])  # the interview ended with it
    assert bot.slots(sender)["appointment_ref"] is None
    for text in SELF_CARE_KNOT:
        bot.send(sender, text)
    assert bot.slots(sender)["triage_level"] == "self_care"
    assert intake(bot, ref) is None
