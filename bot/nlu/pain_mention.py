"""A Rasa NLU component: a message that names a place on the body or a symptom is about pain.

DIET sometimes takes an unusual description ("pecs are tight and knotted after going hard
on bench press") for small talk or for something out of scope, and the bot would then
answer "I can only help with muscle pain" to a person describing one. When the lexicon
found a body region or a vague place (a finding alone may be no pain: "a long flight"),
and DIET's intent is one of the `overridden` ones or less sure than `threshold`, the
intent becomes `inform`, so the interview starts and reads the message. A statement is
not a question ("glutes are knotted after a hill sprint session" was taken for one): a
`questions_only` intent is overridden too when the message has no question mark and
does not start with a question word.
"""

from __future__ import annotations

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
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

# fmt: off
QUESTION_WORDS = frozenset({
    "what", "whats", "what's", "how", "why", "when", "where", "which", "who", "does", "do",
    "is", "are", "can", "could", "should", "will", "would", "tell", "explain",
})
# fmt: on


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PainMentionClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "entities": ["body_region", "vague_region"],
            "overridden": ["out_of_scope", "thank", "goodbye"],
            "questions_only": ["faq"],
            "threshold": 0.5,
            "intent": "inform",
        }

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PainMentionClassifier:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self.entities = set(config["entities"])
        self.overridden = set(config["overridden"])
        self.questions_only = set(config["questions_only"])
        self.threshold = float(config["threshold"])
        self.intent = config["intent"]

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            names_pain = any(e.get("entity") in self.entities for e in message.get(ENTITIES, []))
            name = intent.get(INTENT_NAME_KEY)
            unsure = (intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < self.threshold
            statement = name in self.questions_only and not self._is_question(message)
            if names_pain and (name in self.overridden or unsure or statement):
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: self.intent, PREDICTED_CONFIDENCE_KEY: 1.0},
                    add_to_output=True,
                )
        return messages

    def _is_question(self, message: Message) -> bool:
        text = (message.get(TEXT) or "").strip().lower()
        words = text.split()
        return "?" in text or (bool(words) and words[0].strip(",.!") in QUESTION_WORDS)
