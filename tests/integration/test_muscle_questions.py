"""A question about one muscle is answered from the knowledge base, with its picture (on
Telegram: test_telegram.py), and mid-interview the interview goes on where it was."""

from __future__ import annotations

from tests.conftest import texts


def test_a_question_about_a_muscle_is_answered_from_the_knowledge_base_with_its_picture(bot):
    _, (reply,) = bot.talk("where is the levator scapulae trigger point?")
    said = texts(reply)
    assert said.startswith("Levator scapulae")
    assert "Where to find it:" in said and "Pressure:" in said and "Then stretch:" in said
    assert "not a diagnosis" in said
    (picture,) = [m["custom"] for m in reply if m.get("custom")]
    assert picture["knotbot"] == "muscle" and picture["code"] == "levator_scapulae"
    assert {r["code"] for r in picture["regions"]} >= {"neck_side"}


def test_a_muscle_named_by_its_nickname_gets_its_own_answer(bot):
    _, (reply,) = bot.talk("how do i stretch my QL?")
    assert texts(reply).startswith("Quadratus lumborum")


def test_a_muscle_question_during_the_interview_is_answered_and_the_interview_resumes(bot):
    sender, _ = bot.talk("a knot in my left calf from running")
    asked = bot.slots(sender)["requested_slot"]
    reply = bot.send(sender, "how do I stretch my piriformis?")
    assert texts(reply).startswith("Piriformis")
    slots = bot.slots(sender)
    assert slots["requested_slot"] == asked and slots["pain_regions"] == ["calf"]
