"""PainMentionClassifier: a message naming a place on the body starts the interview."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.pain_mention import PainMentionClassifier


def classified(text: str, intent: str, confidence: float, *entities: str) -> str:
    message = Message(
        data={
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": [{"entity": kind, "value": "x"} for kind in entities],
        }
    )
    component = PainMentionClassifier(PainMentionClassifier.get_default_config())
    return component.process([message])[0].get("intent")["name"]


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "entities", "expected"),
    [
        ("pecs are tight after bench press", "out_of_scope", 0.9, ["body_region"], "inform"),
        ("glutes knotted after a sprint session", "faq", 0.99, ["body_region"], "inform"),
        ("how long should I press on my calf?", "faq", 0.9, ["body_region"], "faq"),
        ("what causes knots in the back", "faq", 0.9, ["vague_region"], "faq"),
        ("thanks, my neck still hurts", "thank", 0.9, ["vague_region"], "inform"),
        ("hmm my elbow", "greet", 0.3, ["body_region"], "inform"),
        ("book me a flight", "out_of_scope", 0.9, ["finding"], "out_of_scope"),
        ("tell me a joke", "out_of_scope", 0.9, [], "out_of_scope"),
        ("hi, my calf hurts", "greet", 0.9, ["body_region"], "greet"),
    ],
)
def test_a_place_named_in_small_talk_or_a_statement_is_about_pain(
    text, intent, confidence, entities, expected
):
    assert classified(text, intent, confidence, *entities) == expected
