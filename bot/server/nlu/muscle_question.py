"""A Rasa NLU component: a question about one named muscle is `ask_muscle`.

"how do I stretch my pec minor?", "where is the TFL trigger point?", "what pain does
gluteus minimus cause?": DIET takes some of these for a general question about trigger
points, or, since "pec minor" is a place on the body too, for a description of pain, and
the answer would then miss the muscle asked about. When a message opens as a question
about a muscle (one of the `openings`) and names a muscle of the knowledge base
(actions/knowledge/naming.py), the intent becomes `ask_muscle`; but not when a red flag
is named, doubted or hinted at ("can the calf swell from a clot?"): that message is left to
the PainMentionClassifier after this component and to the interview's screening.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from actions.knowledge import seed
from actions.knowledge.naming import MuscleNames
from bot.server.nlu.overrule import overrule


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class MuscleQuestionClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "openings": [],
            "kept": [],
            "red_flag_entities": ["finding", "doubted_finding", "red_flag_question"],
            "intent": "ask_muscle",
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MuscleQuestionClassifier:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        openings = sorted((o.lower() for o in config["openings"]), key=len, reverse=True)
        self.opening = re.compile(
            r"^\W*(?:\w+\W+){0,3}?(?:" + "|".join(map(re.escape, openings)) + r")\b"
        )
        self.kept = set(config["kept"])
        self.red_flag_entities = set(config["red_flag_entities"])
        self.intent = config["intent"]
        self.muscles = MuscleNames({m["code"]: m["name"] for m in seed.check()})

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = (message.get(TEXT) or "").lower()
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent in self.kept or not self.opening.match(text):
                continue
            if any(e.get("entity") in self.red_flag_entities for e in message.get(ENTITIES, [])):
                continue
            if self.muscles.named(text) is None:
                continue
            overrule(message, self.intent)
        return messages
