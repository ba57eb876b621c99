"""The action server down, slow or failing, and the database down, on the real servers:
the person is answered, the tracker is kept as it was, and the conversation goes on once
the fault is over (in-process: tests/unit/test_faults.py)."""

from __future__ import annotations

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

from actions.intake.records import IntakeRecords
from actions.knowledge.database import engine
from bot.server.channels.faults import action_timeout
from tests.conftest import texts
from tests.databases import new_postgres_database, refusing_connections
from tests.integration.test_socketio import Socket
from tests.services import Service, assistant
from tests.unit.test_faults import APOLOGY


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
