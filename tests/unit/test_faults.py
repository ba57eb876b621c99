"""The action server down, slow or failing, and the database down: the person is answered,
the tracker is kept as it was, and the conversation goes on once the fault is over
(bot/server/channels/faults.py), in-process; on the real servers:
tests/integration/test_faults.py."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiohttp import web
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import ActionShowResultCard, ActionSuggestTriggerPoints
from actions.intake_form import (
    ActionCloseIntake,
    ActionDeleteMyData,
    ActionSaveIntake,
    ActionStartIntake,
    RecordsUnavailable,
    ValidateIntakeForm,
)
from bot.server.channels.faults import Guard, GuardedEndpoint, action_timeout, protect
from bot.server.channels.limits import settings
from tests.databases import free_port

APOLOGY = settings()["texts"]["unavailable"]


# -- the guard, in-process -----------------------------------------------------------------


@pytest.fixture
async def action_endpoint() -> Iterator[str]:
    """A stand-in action server: /ok answers, /slow answers only once the test is over,
    /reject is rasa-sdk refusing the action (400), /proxy is a proxy whose server is gone
    (502)."""
    over = asyncio.Event()

    async def ok(request: web.Request) -> web.Response:
        return web.json_response({"events": [], "responses": []})

    async def slow(request: web.Request) -> web.Response:
        await over.wait()
        return await ok(request)

    app = web.Application()
    app.add_routes(
        [
            web.post("/ok", ok),
            web.post("/slow", slow),
            web.post("/reject", lambda r: web.json_response({"action_name": "x"}, status=400)),
            web.post("/proxy", lambda r: web.Response(status=502)),
        ]
    )
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}"
    over.set()
    await runner.cleanup()


async def turn_calling(url: str, timeout: float = 0.3) -> list[dict]:
    """One guarded turn that calls the action endpoint at `url`; what the person got."""
    endpoint = GuardedEndpoint.around(EndpointConfig(url), timeout)

    async def on_new_message(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "half a turn")
        await endpoint.request(json={"next_action": "action_x"}, method="post")
        await message.output_channel.send_text_message(message.sender_id, "all done")

    output = CollectingOutputChannel()
    await Guard(on_new_message)(UserMessage("hello", output, "someone"))
    return output.messages


async def test_a_turn_whose_action_server_answers_goes_through(action_endpoint):
    assert [m["text"] for m in await turn_calling(f"{action_endpoint}/ok")] == [
        "half a turn",
        "all done",
    ]


@pytest.mark.parametrize("path", ["slow", "proxy"])
async def test_a_slow_or_failing_action_server_ends_the_turn_with_an_apology_only(
    action_endpoint, path
):
    # /slow never answers while the test runs: the turn ends by its own timeout (0.3 s) or
    # not at all (wait_for's bound, 100 times that, only keeps a broken timeout from hanging)
    messages = await asyncio.wait_for(turn_calling(f"{action_endpoint}/{path}"), 30)
    # what the abandoned turn had said goes with it: the tracker does not have it either
    assert messages == [{"recipient_id": "someone", "text": APOLOGY}]


async def test_an_action_server_that_is_not_there_gets_an_apology():
    messages = await turn_calling(f"http://127.0.0.1:{free_port()}/webhook")
    assert messages == [{"recipient_id": "someone", "text": APOLOGY}]


async def test_an_action_the_server_rejects_is_left_to_rasa(action_endpoint):
    endpoint = GuardedEndpoint.around(EndpointConfig(f"{action_endpoint}/reject"), 1)
    with pytest.raises(ClientResponseError) as rejected:
        await endpoint.request(json={"next_action": "action_x"}, method="post")
    assert rejected.value.status == 400


async def test_outside_a_channels_turn_a_timeout_is_an_ordinary_exception(action_endpoint):
    """The HTTP API (`GET /conversations/ID/tracker` runs action_session_start) has no
    guard to catch the turn-ending exception: Rasa's own handling applies there."""
    endpoint = GuardedEndpoint.around(EndpointConfig(f"{action_endpoint}/slow"), 0.2)
    call = asyncio.ensure_future(endpoint.request(json={"next_action": "action_x"}, method="post"))
    done, _ = await asyncio.wait({call}, timeout=20)  # 100 times the timeout: never a hang
    assert call in done
    with pytest.raises(asyncio.TimeoutError):
        call.result()


async def test_any_failure_in_a_turn_gets_the_apology():
    async def broken(message: UserMessage) -> None:
        raise KeyError("a bug")

    output = CollectingOutputChannel()
    await Guard(broken)(UserMessage("hello", output, "someone"))
    assert output.messages == [{"recipient_id": "someone", "text": APOLOGY}]


def test_the_agents_endpoint_is_guarded_once_keeping_its_settings():
    class Agent:
        action_endpoint = EndpointConfig("http://actions/webhook", token="t", headers={"a": "b"})
        processor = None

    agent = Agent()
    protect(agent, 5)
    guarded = agent.action_endpoint
    assert isinstance(guarded, GuardedEndpoint) and guarded.timeout == 5
    assert (guarded.url, guarded.token, guarded.headers) == (
        "http://actions/webhook",
        "t",
        {"a": "b"},
    )
    protect(agent, 7)
    assert agent.action_endpoint is guarded


def test_the_action_timeout_is_five_seconds_unless_set(monkeypatch):
    monkeypatch.delenv("KNOTBOT_ACTION_TIMEOUT", raising=False)
    assert action_timeout() == 5
    monkeypatch.setenv("KNOTBOT_ACTION_TIMEOUT", "2.5")
    assert action_timeout() == 2.5
    for wrong in ("soon", "0", "-1"):
        monkeypatch.setenv("KNOTBOT_ACTION_TIMEOUT", wrong)
        with pytest.raises(ValueError, match="KNOTBOT_ACTION_TIMEOUT"):
            action_timeout()


# -- the database down, for the actions that use it -----------------------------------------


@pytest.fixture
def database_down(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'gone' / 'knotbot.db'}")


def tracker(text: str = "no", **slots) -> Tracker:
    return Tracker(
        sender_id="test-db-down",
        slots=slots,
        latest_message={"text": text, "intent": {"name": "inform"}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


CASE = {
    "triage_level": "self_care",
    "pain_regions": ["calf"],
    "pain_side": "left",
    "pain_cause": "overuse",
    "appointment_ref": "APT-1042",
    "intake_consent": True,
}


@pytest.mark.parametrize(
    "action, slots, said",
    [
        (ActionSuggestTriggerPoints(), CASE, ["utter_knowledge_base_unavailable"]),
        (ActionCloseIntake(), CASE, ["utter_intake_not_saved"]),
        (ActionDeleteMyData(), CASE, ["utter_intake_not_deleted"]),
        (ActionSaveIntake(), CASE, []),  # action_close_intake saves again and tells
        (ValidateIntakeForm(), {**CASE, "requested_slot": "blood_thinners"}, []),
    ],
)
async def test_with_the_database_down_the_actions_say_so_or_carry_on(
    database_down, action, slots, said
):
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, tracker(**slots), {"slots": {}, "forms": {}})
    assert [m["response"] for m in dispatcher.messages] == said


async def test_with_the_database_down_the_result_card_comes_without_muscles(database_down):
    dispatcher = CollectingDispatcher()
    await ActionShowResultCard().run(dispatcher, tracker(**CASE), {})
    (card,) = [m["custom"] for m in dispatcher.messages]
    assert card["level"] == "self_care" and card["trigger_points"] == []


async def test_with_the_database_down_an_intake_link_fails_the_turn_to_be_tried_again(
    database_down,
):
    """Saying "unknown reference" would start the plain triage and lose the intake: the
    action fails instead, so the channels apologise and the tracker is kept as it was."""
    start = tracker('/start_intake{"appointment_ref": "APT-1042"}')
    start.latest_message["entities"] = [{"entity": "appointment_ref", "value": "APT-1042"}]
    with pytest.raises(RecordsUnavailable):
        await ActionStartIntake().run(CollectingDispatcher(), start, {})


# -- the real servers ------------------------------------------------------------------------
