"""A Rasa NLU component that emits the lexicon's entities with their canonical codes.

Rasa's SpacyEntityExtractor drops the entity ruler's ids, and the lexicon pipeline is not
packed into the trained model, so this component runs the lexicon pipeline SpacyNLP loaded
and emits `body_region`, `vague_region`, `cause`, `finding` and `side` entities whose
values are codes. It also:
- reads the side inside a place ("top of my right shoulder" is shoulder_top and right);
- gives a plural place ("calves") the role `both_sides`;
- adds the place a finding names ("chest pain" is a pain in the chest);
- leaves out a finding the person negates ("no fever", "I'm not short of breath").
Its fingerprint includes the vocabulary's, so changing a vocabulary file retrains the model.
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
from spacy.tokens import Doc, Span

from bot.nlu import lexicon

ENTITY_OF_LABEL = {
    lexicon.REGION: "body_region",
    lexicon.REGION_PLURAL: "body_region",
    lexicon.VAGUE: "vague_region",
    lexicon.CAUSE: "cause",
    lexicon.FINDING: "finding",
    lexicon.SIDE: "side",
}
PLACES = {lexicon.REGION, lexicon.REGION_PLURAL, lexicon.VAGUE}
NEGATION_WINDOW = 4
"""How many words before a finding a negation cue may stand ("not at all short of breath")."""
CLAUSE_BREAKS = {".", ",", ";", "!", "?", "but", "and", "though", "although", "except"}
TYPOGRAPHIC = str.maketrans("\u2019\u2018\u201c\u201d", "''\"\"")


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
        meta = model.model.meta.get("knotbot", {})
        for message in messages:
            text = (message.get(TEXT) or "").translate(TYPOGRAPHIC).lower()
            found = entities(model.model(text), meta)
            message.set(
                ENTITIES,
                message.get(ENTITIES, []) + self.add_extractor_name(found),
                add_to_output=True,
            )
        return messages


def entities(doc: Doc, meta: dict[str, Any]) -> list[dict[str, Any]]:
    cues = set(meta.get("negation_cues", []))
    sides = meta.get("sides", {})
    finding_regions = meta.get("finding_regions", {})
    found = []
    for span in doc.ents:
        if span.label_ == lexicon.FINDING and negated(span, doc, cues):
            continue
        found.append(entity(ENTITY_OF_LABEL[span.label_], span.ent_id_, span))
        if span.label_ == lexicon.REGION_PLURAL:
            found[-1]["role"] = "both_sides"
        if span.label_ in PLACES:
            found += [entity("side", sides[t.lower_], span) for t in span if t.lower_ in sides]
        if span.ent_id_ in finding_regions and span.label_ == lexicon.FINDING:
            found.append(entity("body_region", finding_regions[span.ent_id_], span))
    return found


def entity(kind: str, value: str, span: Span) -> dict[str, Any]:
    return {
        "entity": kind,
        "value": value,
        "start": span.start_char,
        "end": span.end_char,
        "confidence_entity": 1.0,
    }


def negated(span: Span, doc: Doc, cues: set[str]) -> bool:
    for token in reversed(doc[max(0, span.start - NEGATION_WINDOW) : span.start]):
        if token.lower_ in CLAUSE_BREAKS:
            return False
        if token.lower_ in cues:
            return True
    return False
