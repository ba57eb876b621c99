"""QuestionResponseSelector: questions get their answer picked, other messages skip the model."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import texts


def parsed(bot, text: str) -> dict:
    reply = requests.post(f"{bot.url}/model/parse", json={"text": text}, timeout=60)
    reply.raise_for_status()
    return reply.json()


def test_a_question_gets_its_answer_selected(bot):
    parse = parsed(bot, "what is a trigger point?")
    assert parse["intent"]["name"] == "faq"
    selected = parse["response_selector"]["faq"]["response"]
    assert selected["utter_action"] == "utter_faq/what_is_trigger_point"
    assert selected["responses"][0]["text"]


@pytest.mark.parametrize("text", ["my left calf hurts from running", "hello", "no"])
def test_a_message_that_is_not_a_question_gets_no_selection(bot, text):
    parse = parsed(bot, text)
    assert parse["intent"]["name"] != "faq"
    assert "response_selector" not in parse


def test_a_question_mid_interview_is_answered_and_the_interview_goes_on(bot):
    sender, (_, answer) = bot.talk("a knot in my calf from running", "what is a trigger point?")
    assert "tight band of muscle" in " ".join(texts(answer).split())
    bot.send(sender, "3 days")
    assert bot.slots(sender)["pain_duration_days"] == 3
