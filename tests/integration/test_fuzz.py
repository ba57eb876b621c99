"""Fuzzing on the real assistant (hypothesis): the body map endpoint of the running web
app, and the trained model's NLU on any text (the rest: tests/unit/test_fuzz.py)."""

from __future__ import annotations

import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from hypothesis import example, given
from rasa.core.channels.channel import UserMessage
from rasa.engine.graph import ExecutionContext
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage

from bot.server import launch
from tests.unit.test_fuzz import CODES, HUGE, INTENTS, TEXT, fuzz, in_range


@fuzz(40)
@given(regions=TEXT, side=TEXT, muscles=TEXT)
def test_the_body_map_endpoint_answers_any_query_with_a_map_or_a_400(bot, regions, side, muscles):
    params = {"regions": regions, "side": side, "muscles": muscles}
    reply = requests.get(f"{bot.web_url}/bodymap.svg", params=params, timeout=30)
    assert reply.status_code in (200, 400), reply.text
    if reply.status_code == 200:
        ET.fromstring(reply.text)
    else:
        assert reply.json()["error"] == "unknown codes"


@pytest.fixture(scope="module")
def parse() -> Callable[[str], dict]:
    """The trained model's NLU, as Rasa's processor runs it for each message."""
    model = launch.model_path()
    if not model.exists():
        model = launch.train()
    storage, metadata = LocalModelStorage.from_model_archive(Path(tempfile.mkdtemp()), model)
    schema = metadata.predict_schema.minimal_graph_schema([metadata.nlu_target])
    runner = DaskGraphRunner.create(schema, storage, ExecutionContext(schema, metadata.model_id))

    def parse(text: str) -> dict:
        results = runner.run({"__message__": [UserMessage(text)]}, [metadata.nlu_target])
        return results[metadata.nlu_target][0].as_dict(only_output_properties=True)

    return parse


@fuzz(150)
@given(text=TEXT)
@example(HUGE)
@example("x" * 2000)
def test_any_text_gets_a_well_formed_parse_with_known_codes(parse, text):
    parsed = parse(text)
    intent = parsed["intent"]
    assert isinstance(intent["name"], str) and in_range(intent["confidence"], 0, 1)
    for ranked in parsed.get("intent_ranking", ()):
        assert in_range(ranked["confidence"], 0, 1)
    for found in parsed["entities"]:
        assert isinstance(found["start"], int) and 0 <= found["start"] <= found["end"]
    if text.startswith("/"):
        return  # a payload names its own intent and entities; the actions check those
    assert intent["name"] in {*INTENTS, "nlu_fallback"}
    for found in parsed["entities"]:
        assert found["value"] in CODES[found["entity"]], found


def test_entity_offsets_point_at_the_words_even_after_a_dotted_capital_i(parse):
    text = "İİİİ my left calf"
    entities = parse(text)["entities"]
    words = [
        text[e["start"] : e["end"]] for e in entities if e["entity"] in ("side", "body_region")
    ]
    assert words == ["left", "calf"]
