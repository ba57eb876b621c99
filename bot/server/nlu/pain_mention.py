"""A Rasa NLU component: a message that names a place on the body or a red flag is about pain.

DIET sometimes takes an unusual description ("pecs are tight and knotted after going hard
on bench press") for small talk or for something out of scope, and the bot would then
answer "I can only help with muscle pain" to a person describing one. When the lexicon
found a body region or a vague place, or a red flag is named or hinted at (a finding, a
doubted one, or what the red-flag reader suspects; a finding like "a long flight" alone is
no pain), and DIET's intent is one of the `overridden` ones ("back sore, no temp, no
weight loss" is no mere "no") or less sure than `threshold`, the intent becomes `inform`,
so the interview starts and reads the message; an `inform` is made certain, so that the
FallbackClassifier does not give up on it for DIET's close second guess. A statement is
not a question ("glutes are knotted after a hill sprint session" was taken for one): a
`questions_only` intent is overridden too when the message has no question mark and does
not start with a question word, and a `beside_a_description` one when beside its question
it describes the pain in a sentence or clause of its own ("Could this knot be my heart? It
started after I moved furniture"): the interview, with its screening, comes before the
answer. A question about one muscle ("how do I stretch my pec minor, its pulling my
shoulder forward") is left to be answered: MuscleQuestionClassifier has already seen that
it names no red flag. An `unsure` intent ("no idea") is overridden when a red flag is named
or hinted at ("out of nowhere" is how people describe a sudden onset), and so is an
`overridden_by_a_red_flag` one ("I came off a ladder from quite high up" is no "stop").

A red flag is acted on whatever the intent (triage-policy.md: "A red flag the person
volunteers is acted on at once"): when the findings the lexicon read make the policy's level
`emergency` or `urgent` for the places named, every intent but the `kept` ones becomes
`inform`, questions included ("is it normal that my face droops on one side?").
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
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from actions.reading.questions import is_question
from actions.triage.case import Case
from actions.triage.places import vague_regions
from actions.triage.policy import policy
from bot.server.nlu.overrule import overrule

CLAUSE_END = re.compile(r"(?<=[.!?;,])\s+")
STATEMENT_WORDS = 4
"""A sentence or clause this long that is no question describes ("It started after I moved
furniture", "its just sore from running"); shorter ones are greetings and sign-offs ("Hi!",
"Thanks, Jo")."""


def describes(text: str) -> bool:
    """A question beside a description: "Could this knot in my upper back be my heart? It
    started after I moved furniture and is only sore when I press on it"."""
    return any(
        not is_question(clause) and len(clause.split()) >= STATEMENT_WORDS
        for clause in CLAUSE_END.split(text.strip())
    )


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PainMentionClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "entities": ["body_region", "vague_region"],
            "red_flag_entities": ["finding", "doubted_finding", "red_flag_question"],
            "not_alone": ["long_immobility"],
            "overridden": ["out_of_scope", "thank", "goodbye", "deny", "affirm"],
            "unsure": ["dont_know"],
            "questions_only": ["faq", "ask_muscle"],
            "beside_a_description": ["faq"],
            "threshold": 0.5,
            "urgent_levels": ["emergency", "urgent"],
            "kept": ["start_intake", "delete_my_data"],
            "overridden_by_a_red_flag": ["stop"],
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
        self.red_flag_entities = set(config["red_flag_entities"])
        self.not_alone = set(config["not_alone"])
        self.urgent_levels = set(config["urgent_levels"])
        self.kept = set(config["kept"])
        self.overridden_by_a_red_flag = set(config["overridden_by_a_red_flag"])
        self.overridden = set(config["overridden"])
        self.unsure = set(config["unsure"])
        self.questions_only = set(config["questions_only"])
        self.beside_a_description = set(config["beside_a_description"])
        self.threshold = float(config["threshold"])
        self.intent = config["intent"]

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            entities = message.get(ENTITIES, [])
            names_pain = any(e.get("entity") in self.entities for e in entities)
            names_red_flag = any(
                e.get("entity") in self.red_flag_entities and e.get("value") not in self.not_alone
                for e in entities
            )
            name = intent.get(INTENT_NAME_KEY)
            unsure = (intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < self.threshold
            text = message.get(TEXT) or ""
            statement = name in self.questions_only and (
                not is_question(text) or (name in self.beside_a_description and describes(text))
            )
            small_talk = name in self.overridden or unsure or statement
            if name in self.kept:
                continue
            # "head pain hit me out of nowhere" is no "I don't know", "i came off a ladder
            # from quite high up" no "stop"; "stop asking about my back" is one
            doubts = names_red_flag and name in self.unsure | self.overridden_by_a_red_flag
            # already `inform`, it is made certain: DIET's next guess close behind ("faq")
            # would make the FallbackClassifier give up on a description of pain
            described = small_talk or doubts or name == self.intent
            if ((names_pain or names_red_flag) and described) or self._is_urgent(entities):
                overrule(message, self.intent)
        return messages

    def _is_urgent(self, entities: list[dict[str, Any]]) -> bool:
        """The findings read make the policy's level emergency or urgent for the places named
        (or, with no place named, for any vague place's possible parts)."""

        def values(kind: str) -> tuple[str, ...]:
            return tuple(str(e.get("value")) for e in entities if e.get("entity") == kind)

        findings = frozenset(values("finding"))
        if not findings:
            return False
        vague = [vague_regions()[key] for key in values("vague_region") if key in vague_regions()]
        case = Case(
            regions=values("body_region"),
            maybe_regions=tuple(code for place in vague for code in place.choices),
            findings=findings,
        )
        return policy().decide(case).level in self.urgent_levels
