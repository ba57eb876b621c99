"""The action server down, slow or failing, and the database down: the person is answered,
the tracker is kept as it was, and the conversation goes on once the fault is over
(bot/server/channels/faults.py). First the pieces in-process, then the real servers."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

import pytest
import requests
from aiohttp import web
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.advice import ActionShowResultCard, ActionSuggestTriggerPoints
from actions.intake.records import IntakeRecords
from actions.intake_form import (
    ActionCloseIntake,
    ActionDeleteMyData,
    ActionSaveIntake,
    ActionStartIntake,
    RecordsUnavailable,
    ValidateIntakeForm,
)
from actions.knowledge.database import engine
from bot.server.channels.faults import Guard, GuardedEndpoint, action_timeout, protect
from bot.server.channels.limits import settings
from tests.conftest import texts
from tests.databases import free_port, new_postgres_database, refusing_connections
from tests.services import Service, assistant
from tests.test_socketio import Socket

APOLOGY = settings()["texts"]["unavailable"]
e2e = pytest.mark.e2e


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
        (ActionDeleteMyData(), CASE, ["utter_data_not_deleted"]),
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


@dataclass
class Stack:
    rasa: Service
    actions: Service
    kb: Path
    """The folder of the action server's SQLite database: moved away, the database is down."""
    conversations: str
    """The Rasa server's PostgreSQL database, where the conversations are."""

    def post(self, sender: str, text: str) -> requests.Response:
        return requests.post(
            f"{self.rasa.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )

    def send(self, sender: str, text: str) -> list[dict]:
        reply = self.post(sender, text)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def tracker(self, sender: str) -> dict:
        reply = requests.get(f"{self.rasa.url}/conversations/{sender}/tracker", timeout=30)
        reply.raise_for_status()
        return reply.json()


@pytest.fixture(scope="module")
def stack(tmp_path_factory, postgres) -> Iterator[Stack]:
    """An action server that can be killed, and a Rasa server keeping its conversations in
    a PostgreSQL database of its own."""
    root = tmp_path_factory.mktemp("faults")
    conversations = new_postgres_database(postgres)
    with assistant(root, {"DATABASE_URL": conversations}) as (rasa, actions):
        yield Stack(rasa, actions, root / "kb", conversations)


def new_sender() -> str:
    return f"fault-{uuid.uuid4().hex[:10]}"


@e2e
def test_a_killed_action_server_gets_an_apology_and_the_interview_goes_on_when_back(stack):
    sender, newcomer = new_sender(), new_sender()
    stack.send(sender, "I have a knot on top of my right shoulder from my laptop")
    asked = stack.send(sender, "no")  # the red-flag questions come first, as a group
    assert "How long" in texts(asked)
    before = stack.tracker(sender)

    stack.actions.kill()
    try:
        assert stack.send(sender, "4 days") == [{"recipient_id": sender, "text": APOLOGY}]
        # a new conversation too: Rasa alone loses its session start for good
        assert stack.send(newcomer, "hello") == [{"recipient_id": newcomer, "text": APOLOGY}]
        tab = Socket(stack.rasa.url, uuid.uuid4().hex)
        assert tab.say("my calf hurts") == [{"text": APOLOGY}]
        tab.close()
        after = stack.tracker(sender)
        assert after["events"] == before["events"] and after["slots"] == before["slots"]
    finally:
        stack.actions.start()

    assert "How bad" in texts(stack.send(sender, "4 days"))
    slots = stack.tracker(sender)["slots"]
    assert slots["pain_duration_days"] == 4
    assert {
        k: v for k, v in slots.items() if k not in ("pain_duration_days", "requested_slot")
    } == {
        k: v
        for k, v in before["slots"].items()
        if k not in ("pain_duration_days", "requested_slot")
    }
    greeting = stack.send(newcomer, "hello")
    assert "KnotBot" in texts(greeting)
    assert stack.tracker(newcomer)["slots"]["emergency_number"]  # set by the session start


class StandIn(ThreadingHTTPServer):
    """Where the action server was: answers every call with `status`, at once, or with
    `hold` only once it is closed (a server slower than anyone waits for). `calls` counts
    the calls that came, `answered` those it answered."""

    daemon_threads = True

    def __init__(self, port: int, status: int, hold: bool = False) -> None:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stand_in.calls += 1
                if hold:
                    stand_in.closed.wait()
                stand_in.answered += 1
                try:
                    body = json.dumps({"events": [], "responses": []}).encode()
                    self.send_response(stand_in.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # Rasa stopped waiting

            def log_message(self, *args: object) -> None:
                pass

        self.status, self.calls, self.answered = status, 0, 0
        self.closed = threading.Event()
        super().__init__(("127.0.0.1", port), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.closed.set()
        self.shutdown()
        self.server_close()


@e2e
def test_a_slow_or_failing_action_server_gets_an_apology_within_the_timeout(stack):
    with mock.patch.dict(os.environ, stack.rasa.env, clear=True):
        timeout = action_timeout()  # the Rasa server's: KNOTBOT_ACTION_TIMEOUT or 5 s
    sender = new_sender()
    stack.send(sender, "a knot in my left calf from running")
    stack.send(sender, "no")  # the red-flag questions come first, as a group
    before = stack.tracker(sender)
    stack.actions.kill()
    try:
        slow = StandIn(stack.actions.port, status=200, hold=True)
        started = time.monotonic()
        reply = stack.send(sender, "3 days")  # Rasa alone would wait 300 s: past send's 60
        took = time.monotonic() - started
        # the apology came while the server still held its answer, so not after it; and a
        # slow server was given all of the configured timeout first
        assert (slow.calls, slow.answered) == (1, 0)
        slow.close()
        assert reply == [{"recipient_id": sender, "text": APOLOGY}]
        assert took >= timeout, took

        broken = StandIn(stack.actions.port, status=502)  # a proxy, its server gone
        assert stack.send(sender, "3 days") == [{"recipient_id": sender, "text": APOLOGY}]
        broken.close()
        assert stack.tracker(sender)["events"] == before["events"]
    finally:
        stack.actions.start()
    assert "How bad" in texts(stack.send(sender, "3 days"))
    assert stack.tracker(sender)["slots"]["pain_duration_days"] == 3


@e2e
def test_with_the_database_down_the_advice_still_comes_and_an_intake_link_waits(stack):
    ref = f"APT-{uuid.uuid4().hex[:6].upper()}"
    starts = datetime.now(timezone.utc) + timedelta(days=1)
    IntakeRecords(engine(f"sqlite:///{stack.kb / 'knotbot.db'}")).register_appointment(ref, starts)
    sender, patient = new_sender(), new_sender()
    for text in ("a knot in my left calf from running", "no", "3 days"):
        stack.send(sender, text)
    away = stack.kb.with_name("kb-away")
    stack.kb.rename(away)
    try:
        advice = texts(stack.send(sender, "4"))
        link = stack.send(patient, f'/start_intake{{"appointment_ref": "{ref}"}}')
    finally:
        away.rename(stack.kb)
    assert "self-care plan" in advice and "can't look up the trigger points" in advice
    assert stack.tracker(sender)["slots"]["triage_level"] == "self_care"
    assert link == [{"recipient_id": patient, "text": APOLOGY}]

    welcome = stack.send(patient, f'/start_intake{{"appointment_ref": "{ref}"}}')
    assert "before your appointment" in texts(welcome)
    assert stack.tracker(patient)["slots"]["appointment_ref"] == ref


@e2e
def test_with_the_conversation_database_down_the_person_is_told_and_goes_on_when_back(stack):
    sender, newcomer = new_sender(), new_sender()
    stack.send(sender, "a knot in my left calf from running")
    assert "How long" in texts(stack.send(sender, "no"))  # the red-flag group first
    before = stack.tracker(sender)
    with refusing_connections(stack.conversations):
        assert stack.send(sender, "3 days") == [{"recipient_id": sender, "text": APOLOGY}]
        assert stack.send(newcomer, "hello") == [{"recipient_id": newcomer, "text": APOLOGY}]
    after = stack.tracker(sender)
    assert after["events"] == before["events"] and after["slots"] == before["slots"]
    assert "How bad" in texts(stack.send(sender, "3 days"))
    assert stack.tracker(sender)["slots"]["pain_duration_days"] == 3
    assert "KnotBot" in texts(stack.send(newcomer, "hello"))
