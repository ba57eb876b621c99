"""A Rasa NLU component: the red-flag questions a message hints at, as entities.

It trains bot/server/nlu/red_flag_model.py on its own examples (`examples`, not Rasa's NLU data:
they are labelled with screening questions, not intents), keeps the model in the Rasa
model, and emits a `red_flag_question` entity (value: the question's code, spanning the
message) for each question whose probability reaches `threshold`, in messages of at least
`min_words` words. The action server asks those questions next. The examples file is part
of the component's fingerprint, so changing it retrains the component.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from actions.settings import DATA_DIR
from actions.triage.screening import questions
from bot.server.nlu import lexicon
from bot.server.nlu.red_flag_model import Examples, RedFlagModel, fingerprint

REGION_WORDS = DATA_DIR / "lexicon" / "regions.yml"

ENTITY = "red_flag_question"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class RedFlagReader(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "examples": "data/red_flags/reader.yml",
            # chosen by 5-fold cross-validation on the examples (docs/red-flags.md): a
            # question too many costs one "no", one too few can cost a life; recall 0.95 of
            # held-back red-flag examples, one in eight hard `none` examples raises a question
            "threshold": 0.35,
            "strength": 10.0,
            "balanced": True,
            # a word or two is a reply ("purple", "no way"), not a description: the
            # vocabulary reads those ("incontinent")
            "min_words": 3,
            "random_seed": 4711,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        paths = (Path(config["examples"]), REGION_WORDS)
        return "-".join(fingerprint(path) for path in paths if path.exists())

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RedFlagReader:
        return cls(config, model_storage, resource)

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: RedFlagModel | None = None,
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    def train(self, training_data: TrainingData) -> Resource:
        examples = Examples.read(
            Path(self.config["examples"]), (q.code for q in questions()), places()
        )
        self.model = RedFlagModel.train(
            examples,
            strength=float(self.config["strength"]),
            seed=self.config["random_seed"],
            balanced=bool(self.config["balanced"]),
        )
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(directory)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> RedFlagReader:
        with model_storage.read_from(resource) as directory:
            model = RedFlagModel.load(directory)
        return cls(config, model_storage, resource, model)

    def process(self, messages: list[Message]) -> list[Message]:
        if self.model is None:
            return messages
        shortest = int(self.config["min_words"])
        read = [m for m in messages if len((m.get(TEXT) or "").split()) >= shortest]
        texts = [message.get(TEXT) for message in read]
        suspected = self.model.suspects(texts, float(self.config["threshold"]))
        for message, text, found in zip(read, texts, suspected, strict=True):
            if not found:
                continue
            entities = [
                {
                    "entity": ENTITY,
                    "value": code,
                    "start": 0,
                    "end": len(text),
                    "confidence_entity": round(probability, 3),
                }
                for code, probability in sorted(found.items(), key=lambda item: -item[1])
            ]
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(entities),
                add_to_output=True,
            )
        return messages


def places() -> list[str]:
    """The first word the vocabulary has for each region and each vague place."""
    regions = lexicon.read(REGION_WORDS.parent)["regions"]
    entries = [*regions["regions"].values(), *(regions.get("vague") or {}).values()]
    return [str(entry["terms"][0]) for entry in entries if entry.get("terms")]
