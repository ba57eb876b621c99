"""Whole conversations with the real action server and Rasa server, over the REST webhook."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from actions.settings import PROJECT_ROOT
from tests.conftest import SHARED, texts

pytestmark = pytest.mark.e2e


def test_a_greeting_gets_an_introduction_and_the_first_question(bot):
    _, (reply,) = bot.talk("hello")
    said = texts(reply)
    assert "KnotBot" in said and "not a diagnosis" in said
    assert "Where does it hurt?" in said


def test_the_first_message_fills_what_it_says_and_is_not_asked_again(bot):
    sender, (reply,) = bot.talk(
        "I have a sore knot on top of my right shoulder from working on my laptop"
    )
    slots = bot.slots(sender)
    assert slots["pain_regions"] == ["shoulder_top"]
    assert slots["pain_side"] == "right"
    assert slots["pain_cause"] == "posture"
    assert "How long" in texts(reply)


def test_a_mild_recent_knot_gets_self_care_and_three_trigger_points(bot):
    sender, replies = bot.talk(
        "I've had a knot between my shoulder blades since I started working from home",
        "4 days",
        "3",
        *["no"] * 6,
    )
    slots = bot.slots(sender)
    assert slots["pain_regions"] == ["upper_back"]
    assert slots["pain_cause"] == "posture"
    assert slots["pain_duration_days"] == 4
    assert slots["pain_intensity"] == 3
    assert slots["triage_level"] == "self_care"
    assert slots["red_flags"] == []
    assert len(slots["trigger_points"]) == 3
    said = " ".join(texts(r) for r in replies)
    assert "Pressure:" in said and "stretch" in said and "Caution:" in said
    assert "not a diagnosis" in said


@pytest.mark.parametrize(
    "answer, expected",
    [("no thanks", "Take care"), ("yes", "tell me where it hurts")],
)
def test_after_the_advice_another_check_is_offered_and_a_yes_or_no_is_answered(
    bot, answer, expected
):
    sender, replies = bot.talk(
        "I've had a knot between my shoulder blades since I started working from home",
        "4 days",
        "3",
    )
    for _ in range(8):  # the screening's questions, however many
        if "check another pain" in texts(replies[-1]):
            break
        replies.append(bot.send(sender, "no"))
    assert "check another pain" in texts(replies[-1])
    assert bot.slots(sender)["triage_level"] == "self_care"
    reply = bot.send(sender, answer)
    assert expected in texts(reply)


def test_an_emergency_in_the_first_message_says_call_now_and_nothing_else(bot):
    sender, (reply,) = bot.talk("my jaw and upper back hurt and I feel short of breath and clammy")
    slots = bot.slots(sender)
    assert slots["triage_level"] == "emergency"
    assert "heart_attack" in slots["red_flags"]
    said = texts(reply)
    assert "911" in said
    assert "Pressure" not in said and not slots["trigger_points"]


def test_a_red_flag_mentioned_mid_interview_is_acted_on_at_once(bot):
    sender, replies = bot.talk("my left calf aches", "from running, but now I'm short of breath")
    slots = bot.slots(sender)
    assert slots["triage_level"] == "emergency"
    assert "pulmonary_embolism" in slots["red_flags"]
    assert "911" in texts(replies[-1])


def test_a_swollen_calf_is_urgent_after_the_embolism_question(bot):
    sender, replies = bot.talk("one calf is swollen and tender since my knee surgery")
    assert "shortness of breath" in texts(replies[0])
    bot.send(sender, "no")
    slots = bot.slots(sender)
    assert slots["triage_level"] == "urgent"
    assert "deep_vein_thrombosis" in slots["red_flags"]
    assert not slots["trigger_points"]


def test_a_vague_place_gets_buttons_for_its_parts(bot):
    sender, (reply,) = bot.talk("my back hurts")
    buttons = [b for m in reply for b in m.get("buttons") or []]
    titles = [b["title"] for b in buttons]
    assert "Lower back" in titles and "Upper back, between the shoulder blades" in titles
    payload = next(b["payload"] for b in buttons if b["title"] == "Lower back")
    bot.send(sender, payload)
    assert bot.slots(sender)["pain_regions"] == ["low_back"]


def test_the_cause_buttons_send_the_cause_and_asking_logs_no_error(bot):
    rasa_log = next(log for log in bot.logs if log.stem == "rasa")
    logged_before = rasa_log.stat().st_size
    sender, (reply,) = bot.talk("I have a knot in my left calf")
    payloads = {b["title"]: b["payload"] for m in reply for b in m.get("buttons") or []}
    assert payloads["Not drinking enough"] == '/inform{"cause": "dehydration"}'
    assert payloads["Not sure"] == '/inform{"cause": "unknown"}'
    bot.send(sender, payloads["Not drinking enough"])
    assert bot.slots(sender)["pain_cause"] == "dehydration"
    with rasa_log.open() as log:
        log.seek(logged_before)
        errors = [line for line in log if re.match(r"\S+ \S+ (ERROR|CRITICAL) ", line)]
    assert errors == []


def test_red_flag_questions_come_grouped_and_one_no_answers_them(bot):
    sender, replies = bot.talk("a knot in my left calf from running", "2 days", "3")
    question = texts(replies[-1])
    assert "any of these" in question and "swollen" in question and "breath" in question
    assert [b["title"] for m in replies[-1] for b in m.get("buttons") or []] == ["Yes", "No"]
    bot.send(sender, "no")
    assert bot.slots(sender)["triage_level"] == "self_care"


def test_an_unclear_red_flag_answer_is_asked_again_then_counts_as_present(bot):
    sender, _ = bot.talk("a knot in my left calf from running", "2 days", "3")
    first = bot.send(sender, "purple")
    # the group is asked again one question at a time, the embolism one first
    assert "one at a time" in texts(first) and "breath" in texts(first)
    bot.send(sender, "banana")
    assert bot.slots(sender)["triage_level"] == "emergency"


def test_corrections_change_the_answers_and_the_decision(bot):
    sender, _ = bot.talk(
        "a knot in my left calf from running", "3 days", "actually it's my right calf"
    )
    slots = bot.slots(sender)
    assert slots["pain_regions"] == ["calf"] and slots["pain_side"] == "right"
    bot.send(sender, "sorry, I meant 3 weeks")
    assert bot.slots(sender)["pain_duration_days"] == 21


def test_restart_mid_interview_starts_afresh(bot):
    sender, replies = bot.talk("my left calf aches from running", "start over")
    assert "start again" in texts(replies[-1])
    slots = bot.slots(sender)
    assert slots["pain_regions"] is None and slots["pain_cause"] is None
    bot.send(sender, "my right heel hurts")
    assert bot.slots(sender)["pain_regions"] == ["heel"]


def test_a_place_we_cannot_read_gets_buttons_for_the_body_areas(bot):
    sender, (_, second) = bot.talk("it hurts", "in my gizzard")
    buttons = [b["title"] for m in second for b in m.get("buttons") or []]
    assert "Knee" in buttons and "Back" in buttons
    bot.send(sender, '/inform{"vague_region": "knee"}')
    reply = bot.send(sender, '/inform{"body_region": "knee_front"}')
    assert bot.slots(sender)["pain_regions"] == ["knee_front"]
    assert texts(reply).strip()


def test_unreadable_answers_are_asked_again(bot):
    sender, replies = bot.talk("my right heel hurts after running", "purple", "10 days", "eleven")
    assert "how long" in texts(replies[1]).lower()
    assert "0 to 10" in texts(replies[3])
    assert bot.slots(sender)["pain_intensity"] is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🙂🙂🙂",
        "x" * 10_000,
        "¿Dónde está la biblioteca?",
        "what's the weather like?",
        '{"sender": "x"}',
        "'; DROP TABLE events; --",
    ],
    ids=["empty", "blank", "emoji", "10k", "spanish", "off-topic", "json", "sql"],
)
def test_bad_input_gets_a_polite_reply_and_the_conversation_goes_on(bot, text):
    sender, (reply,) = bot.talk(text)
    assert texts(reply).strip(), "every message gets an answer"
    after = bot.send(sender, "my left calf hurts")
    assert texts(after).strip()
    assert bot.slots(sender)["pain_regions"] == ["calf"]


def test_what_people_type_is_not_logged(bot):
    marker = "zebracrossing4711"
    bot.talk(f"my lower back hurts since {marker} day", f"I think {marker} caused it")
    for log in bot.logs:
        assert marker not in log.read_text(), f"{log.name} contains what the person typed"


PATIENT_SIM = SHARED / "tools" / "patient_sim.py"
VIGNETTES = {
    "shared-examples": SHARED / "examples" / "vignettes.yml",
    "our-own": PROJECT_ROOT / "tests" / "data" / "vignettes.yml",
}
needs_sim = pytest.mark.skipif(not PATIENT_SIM.exists(), reason="no ../shared/tools/patient_sim.py")


def simulate(bot, tmp_path, mode: str, cases: Path, *options: str) -> dict:
    out = tmp_path / "sim.json"
    command = [sys.executable, str(PATIENT_SIM), mode, str(cases), "--url", bot.url, *options]
    if mode == "vignettes":
        subprocess.run([*command, "--json", str(out)], check=True, timeout=900)
        return json.loads(out.read_text())["summary"]
    printed = subprocess.run(command, check=True, timeout=900, capture_output=True, text=True)
    return json.loads(printed.stdout.rsplit("SUMMARY ", 1)[1])


@needs_sim
@pytest.mark.parametrize("buttons", ["0", "1"], ids=["typing", "buttons"])
@pytest.mark.parametrize("vignettes", VIGNETTES.values(), ids=VIGNETTES.keys())
def test_the_scripted_patients_reach_the_right_level(bot, tmp_path, vignettes, buttons):
    summary = simulate(bot, tmp_path, "vignettes", vignettes, "--buttons", buttons)
    assert summary["errors"] == 0
    assert summary["under_triage"] == 0
    assert summary["emergency_caught"] == summary["emergencies"]
    assert summary["emergency_says_call"] == summary["emergencies"]
    assert summary["triage_exact"] == 1.0
    assert summary["median_turns"] <= 6


@needs_sim
def test_first_messages_are_read_into_regions_causes_and_sides(bot, tmp_path):
    summary = simulate(bot, tmp_path, "utterances", PROJECT_ROOT / "tests/data/utterances.yml")
    assert summary["region"] >= 0.95
    assert summary["cause"] >= 0.9
    assert summary["side"] >= 0.9


@needs_sim
def test_questions_about_trigger_points_get_the_right_answer(bot, tmp_path):
    summary = simulate(bot, tmp_path, "faq", PROJECT_ROOT / "tests/data/faq.yml")
    assert summary["faq"] >= 0.9
