"""Rasa still refuses a malformed action server response, and accepts exactly what it
accepted before, with the validator built once (`one_response_validator` in
bot/server/rasa_patches.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.server import rasa_patches
from tests.databases import free_port

MALFORMED = {
    "events not a list": {"events": "slot pain_regions", "responses": []},
    "an event without its name": {"events": [{"name": "pain_regions", "value": ["calf"]}]},
    "an unknown event": {"events": [{"event": "teleport"}]},
    "a slot event without a name": {"events": [{"event": "slot", "value": 1}]},
    "responses not a list": {"events": [], "responses": {"text": "hi"}},
    "a response that is not an object": {"events": [], "responses": ["hi"]},
    "not an object": ["events"],
}
WELL_FORMED = {
    "nothing": {},
    "a slot and a reply": {
        "events": [{"event": "slot", "name": "pain_regions", "value": ["calf"]}],
        "responses": [{"text": "Where does it hurt?"}],
    },
}


pytestmark = pytest.mark.usefixtures("rasa_patched")


def rasa_verdict(result) -> str | None:
    try:
        rasa_patches.RASA_VALIDATE_ACTION_RESULT(RemoteAction("x", None), result)
    except ValidationError as error:
        return error.message
    return None


def our_verdict(result) -> str | None:
    try:
        RemoteAction("x", None)._validate_action_result(result)
    except ValidationError as error:
        return error.message
    return None


def test_the_patches_make_rasa_use_the_validator_built_once():
    assert RemoteAction._validate_action_result is rasa_patches.validate_action_result


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_response_is_refused_with_rasas_own_error(case):
    verdict = our_verdict(MALFORMED[case])
    assert verdict is not None
    assert verdict == rasa_verdict(MALFORMED[case])
    assert "Failed to validate Action server response" in verdict


@pytest.mark.parametrize("case", WELL_FORMED)
def test_a_well_formed_response_is_accepted(case):
    assert our_verdict(WELL_FORMED[case]) is None
    assert rasa_verdict(WELL_FORMED[case]) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
# every kind of event in Rasa's schema, and some it does not know, with the fields the
# kinds constrain given any JSON value, so that both verdicts occur for every kind
EVENT_KINDS = [
    branch["properties"]["event"]["const"]
    for branch in RemoteAction.action_response_format_spec()["properties"]["events"]["items"][
        "oneOf"
    ]
]
FIELDS = ["name", "value", "timestamp", "metadata", "text", "entities", "parse_data"]
events = st.fixed_dictionaries(
    {"event": st.sampled_from([*EVENT_KINDS, "teleport", ""]) | json_values},
    optional={field: st.text(max_size=10) | json_values for field in FIELDS},
)
responses = st.fixed_dictionaries(
    {},
    optional={
        "events": st.lists(events | json_values, max_size=3) | json_values,
        "responses": st.lists(json_values, max_size=3) | json_values,
    },
)


@settings(max_examples=1000, deadline=None)
@given(result=responses | json_values)
def test_any_response_gets_the_same_verdict_as_rasas_own_check(result):
    assert our_verdict(result) == rasa_verdict(result)


@pytest.fixture
async def action_server_answering() -> Iterator[dict]:
    """An action server that answers whatever `answer["body"]` holds."""
    answer: dict = {}

    async def webhook(request: web.Request) -> web.Response:
        return web.Response(text=json.dumps(answer["body"]), content_type="application/json")

    app = web.Application()
    app.add_routes([web.post("/webhook", webhook)])
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    answer["url"] = f"http://127.0.0.1:{port}/webhook"
    yield answer
    await runner.cleanup()


async def run_remote_action(url: str) -> list:
    action = RemoteAction("action_give_triage_advice", EndpointConfig(url))
    return await action.run(
        CollectingOutputChannel(),
        TemplatedNaturalLanguageGenerator({}),
        DialogueStateTracker("someone", []),
        Domain.empty(),
    )


async def test_rasa_refuses_a_malformed_response_from_a_real_action_server(
    action_server_answering,
):
    action_server_answering["body"] = MALFORMED["an event without its name"]
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        await run_remote_action(action_server_answering["url"])


async def test_rasa_applies_a_well_formed_response_from_a_real_action_server(
    action_server_answering,
):
    action_server_answering["body"] = WELL_FORMED["a slot and a reply"]
    events = await run_remote_action(action_server_answering["url"])
    assert SlotSet("pain_regions", ["calf"]) in events
