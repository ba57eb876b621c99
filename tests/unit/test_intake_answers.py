"""Reading a patient's replies to the intake questions, and the intake form matching the
questionnaire it asks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.intake.answers import MAX_TEXT, read_item_answer
from actions.intake.questionnaire import load_questionnaire
from actions.intake.saving import intake_questions
from actions.intake_form import answer_buttons
from actions.settings import PROJECT_ROOT


def item(code: str):
    return load_questionnaire().item(code)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("Firm", "firm"),
        ("deep tissue please", "firm"),
        ("not too hard please", "light"),
        ("I don't mind", "no_preference"),
        ("No preference", "no_preference"),
        ("medium to firm", None),  # two options: asked again
        ("banana", None),
        ("", None),
    ],
)
def test_a_pressure_preference_is_read_from_the_words(reply, expected):
    assert read_item_answer(item("pressure_preference"), reply) == expected


@pytest.mark.parametrize(
    ("reply", "intent", "expected"),
    [
        ("yes", None, True),
        ("nope, never", None, False),
        ("/affirm", "affirm", True),
        ("/deny", "deny", False),
        ("maybe?", None, None),
        ("I'm not sure", None, None),
    ],
)
def test_the_health_screen_takes_only_a_clear_yes_or_no(reply, intent, expected):
    assert read_item_answer(item("blood_thinners"), reply, intent) == expected


def test_free_text_is_kept_as_said_without_control_characters_and_within_bounds():
    worse = item("makes_worse")
    assert read_item_answer(worse, "  sitting \x07 at   my desk 🙂 ") == "sitting at my desk 🙂"
    assert read_item_answer(worse, " \t ") is None
    assert len(read_item_answer(worse, "x" * 100_000)) == MAX_TEXT


def test_the_intake_form_asks_every_question_the_triage_does_not_answer_in_order():
    domain = yaml.safe_load(Path(PROJECT_ROOT / "bot" / "domain" / "intake.yml").read_text())
    codes = [i.code for i in intake_questions()]
    assert domain["forms"]["intake_form"]["required_slots"] == codes
    kinds = {"boolean": "bool", "choice": "text", "text": "text", "string": "text"}
    for question in intake_questions():
        assert domain["slots"][question.code]["type"] == kinds[question.type]
        assert f"action_ask_{question.code}" in domain["actions"]
    answered_by_triage = {i.from_slot for i in load_questionnaire().items if i.from_slot}
    assert not answered_by_triage & set(codes)


def test_every_button_of_a_question_reads_back_as_its_own_answer():
    for question in intake_questions():
        for button in answer_buttons(question):
            intent = button["payload"].lstrip("/") if button["payload"].startswith("/") else None
            value = read_item_answer(question, button["payload"], intent)
            assert value is not None, (question.code, button)
