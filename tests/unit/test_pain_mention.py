"""PainMentionClassifier: a message naming a place on the body starts the interview."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.server.nlu.pain_mention import PainMentionClassifier


def classified(text: str, intent: str, confidence: float, *entities: str) -> str:
    """`entities` are kinds ("body_region") or kinds with a value ("finding=fever")."""
    found = [
        dict(zip(("entity", "value"), (*e.split("="), "x")[:2], strict=True)) for e in entities
    ]
    message = Message(
        data={"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": found}
    )
    component = PainMentionClassifier(PainMentionClassifier.get_default_config())
    return component.process([message])[0].get("intent")["name"]


@pytest.mark.parametrize(
    ("text", "intent", "confidence", "entities", "expected"),
    [
        ("pecs are tight after bench press", "out_of_scope", 0.9, ["body_region"], "inform"),
        ("glutes knotted after a sprint session", "faq", 0.99, ["body_region"], "inform"),
        ("how long should I press on my calf?", "faq", 0.9, ["body_region"], "faq"),
        ("Hi! How long should I press on my calf?", "faq", 0.9, ["body_region"], "faq"),
        (
            "Could this knot in my upper back be my heart? It started after I moved furniture.",
            "faq",
            0.9,
            ["body_region"],
            "inform",
        ),
        ("what causes knots in the back", "faq", 0.9, ["vague_region"], "faq"),
        ("thanks, my neck still hurts", "thank", 0.9, ["vague_region"], "inform"),
        ("hmm my elbow", "greet", 0.3, ["body_region"], "inform"),
        ("book me a flight", "out_of_scope", 0.9, ["finding=long_immobility"], "out_of_scope"),
        ("tell me a joke", "out_of_scope", 0.9, [], "out_of_scope"),
        ("hi, my calf hurts", "greet", 0.9, ["body_region"], "greet"),
        ("back sore, no temp, just slouching", "deny", 0.8, ["vague_region"], "inform"),
        ("no", "deny", 0.99, [], "deny"),
        ("stop asking about my back", "stop", 0.9, ["vague_region"], "stop"),
        (
            "can a tight hamstring become a clot, its just sore from running",
            "faq",
            0.99,
            ["body_region"],
            "inform",
        ),
        ("Hi, can a knot in my neck cause headaches?", "faq", 0.9, ["vague_region"], "faq"),
        (
            "how do i stretch my pec minor, its pulling my shoulder forward",
            "ask_muscle",
            1.0,
            ["body_region"],
            "ask_muscle",
        ),
        ("my pec minor is tight", "ask_muscle", 0.9, ["body_region"], "inform"),
    ],
)
def test_a_place_named_in_small_talk_or_a_statement_is_about_pain(
    text, intent, confidence, entities, expected
):
    assert classified(text, intent, confidence, *entities) == expected


@pytest.mark.parametrize(
    ("text", "intent", "entities", "expected"),
    [
        # a red flag named or hinted at, in small talk, starts the interview
        ("I keep sweating and feel sick", "out_of_scope", ["finding=sweating"], "inform"),
        (
            "thanks. my face might be drooping",
            "thank",
            ["doubted_finding=one_sided_weakness"],
            "inform",
        ),
        ("an elephant is sitting on me", "out_of_scope", ["red_flag_question=cardiac"], "inform"),
        ("i came off a ladder from quite high up", "stop", ["finding=major_mechanism"], "inform"),
        # an emergency is acted on whatever the intent, a question too
        ("is it normal that my face is drooping?", "faq", ["finding=one_sided_weakness"], "inform"),
        (
            "hi, chest pain and I can't breathe",
            "greet",
            ["finding=chest_pain", "body_region=chest", "finding=breathless"],
            "inform",
        ),
        (
            "why does my back hurt, I wet myself",
            "faq",
            ["vague_region=back", "finding=bladder_bowel_loss"],
            "inform",
        ),
        # but not a question about a finding that is no emergency here
        (
            "can a knot cause numbness in my fingers?",
            "faq",
            ["finding=numbness", "body_region=fingers"],
            "faq",
        ),
        # and never an intake link or an erasure
        (
            "delete my data, I can't breathe",
            "delete_my_data",
            ["finding=breathless", "finding=chest_pain"],
            "delete_my_data",
        ),
    ],
)
def test_a_red_flag_is_about_pain_and_an_emergency_whatever_the_intent(
    text, intent, entities, expected
):
    assert classified(text, intent, 0.95, *entities) == expected


@pytest.mark.parametrize(
    ("text", "ranking", "entity"),
    [
        (
            "ive started dropping stuff",
            [("out_of_scope", 0.41), ("inform", 0.39)],
            "finding=weakness",
        ),
        # already inform, but DIET's second guess close behind would make the fallback fire
        (
            "stumbling more every day cos my leg gives way",
            [("inform", 0.52), ("faq", 0.48)],
            "vague_region=leg",
        ),
    ],
)
def test_the_intent_chosen_is_alone_in_the_ranking_so_the_fallback_keeps_it(text, ranking, entity):
    message = Message(
        data={
            "text": text,
            "intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
            "entities": [dict(zip(("entity", "value"), entity.split("="), strict=True))],
        }
    )
    component = PainMentionClassifier(PainMentionClassifier.get_default_config())
    (done,) = component.process([message])
    assert done.get("intent") == {"name": "inform", "confidence": 1.0}
    assert done.get("intent_ranking") == [{"name": "inform", "confidence": 1.0}]
