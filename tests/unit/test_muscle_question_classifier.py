"""MuscleQuestionClassifier: a question about one named muscle is answered about that muscle,
with the openings bot/config.yml gives it."""

from __future__ import annotations

from functools import cache

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from actions.settings import PROJECT_ROOT
from bot.server.nlu.muscle_question import MuscleQuestionClassifier


@cache
def component() -> MuscleQuestionClassifier:
    pipeline = yaml.safe_load((PROJECT_ROOT / "bot" / "config.yml").read_text())["pipeline"]
    (config,) = [c for c in pipeline if c["name"].endswith("MuscleQuestionClassifier")]
    return MuscleQuestionClassifier({**MuscleQuestionClassifier.get_default_config(), **config})


def classified(text: str, intent: str = "faq", *entities: str) -> str:
    found = [dict(zip(("entity", "value"), e.split("="), strict=True)) for e in entities]
    message = Message(
        data={"text": text, "intent": {"name": intent, "confidence": 0.8}, "entities": found}
    )
    return component().process([message])[0].get("intent")["name"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("how do i stretch my pec minor, its pulling my shoulder forward", "inform"),
        ("how do I release my upper traps myself", "inform"),
        ("Where are the suboccipital muscles and how do I massage them?", "faq"),
        ("what pain does gluteus minimus cause, I heard it mimics sciatica", "faq"),
        ("sir where is splenius capitis", "inform"),
        ("tell me about the piriformus", "out_of_scope"),
    ],
)
def test_a_question_about_a_named_muscle_is_about_that_muscle(text, intent):
    assert classified(text, intent) == "ask_muscle"


@pytest.mark.parametrize(
    ("text", "intent", "entities"),
    [
        ("how do I stretch after a run?", "faq", []),  # no muscle named
        ("my piriformis is tight after running", "inform", []),  # not a question
        ("why do knots hurt so much?", "faq", []),
        ("how do I stretch my calf, it's swollen and hot", "inform", ["finding=calf_swelling"]),
        ("where is the hamstring, I want to do my intake", "start_intake", []),
    ],
)
def test_other_messages_keep_their_intent(text, intent, entities):
    assert classified(text, intent, *entities) == intent
