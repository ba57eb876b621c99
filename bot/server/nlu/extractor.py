"""A Rasa NLU component that emits the lexicon's entities with their canonical codes.

Rasa's SpacyEntityExtractor drops the entity ruler's ids, and the lexicon pipeline is not
packed into the trained model, so this component runs the lexicon pipeline SpacyNLP loaded
and emits `body_region`, `vague_region`, `cause`, `finding` and `side` entities whose
values are codes (bot/server/nlu/lexicon.py says how it reads them). Its fingerprint includes
the vocabulary's, so changing a vocabulary file retrains the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.server.nlu import lexicon


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP"
)
class LexiconEntityExtractor(GraphComponent, EntityExtractorMixin):
    @classmethod
    def required_components(cls) -> list[type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"pipeline": "models/spacy/knotbot-lexicon"}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        return lexicon.saved_fingerprint(Path(config["pipeline"]))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LexiconEntityExtractor:
        return cls(config)

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        for message in messages:
            found = lexicon.entities(model.model, message.get(TEXT) or "")
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages
