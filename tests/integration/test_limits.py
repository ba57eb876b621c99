"""The message limits on every channel of the running assistant: REST, socket.io and
Telegram (the policy in-process: tests/unit/test_limits.py)."""

from __future__ import annotations

import math
import uuid

import pytest
import requests

from bot.server import launch
from bot.server.channels.limits import Gate
from tests.integration.test_socketio import Socket
from tests.integration.test_telegram import Chat
from tests.unit.test_limits import TEXTS


def post(bot, body: object = None, data: str | None = None) -> requests.Response:
    return requests.post(f"{bot.url}/webhooks/rest/webhook", json=body, data=data, timeout=60)


def user_events(bot, sender: str) -> list[dict]:
    tracker = requests.get(f"{bot.url}/conversations/{sender}/tracker", timeout=30).json()
    return [e for e in tracker["events"] if e["event"] == "user"]


def new_sender() -> str:
    return f"limits-{uuid.uuid4().hex[:10]}"


@pytest.mark.parametrize(
    "body, data, error",
    [
        (None, "not json", "not JSON"),
        (None, "", "JSON object"),
        ([{"sender": "a", "message": "hi"}], None, "JSON object"),
        ("hello", None, "JSON object"),
        ({"message": "hi"}, None, "sender"),
        ({"sender": "", "message": "hi"}, None, "sender"),
        ({"sender": "  ", "message": "hi"}, None, "sender"),
        ({"sender": 42, "message": "hi"}, None, "sender"),
        ({"sender": "a\x00b", "message": "hi"}, None, "sender"),
        ({"sender": "a" * 256, "message": "hi"}, None, "sender"),
        ({"sender": "a"}, None, "message"),
        ({"sender": "a", "message": None}, None, "message"),
        ({"sender": "a", "message": ["hi"]}, None, "message"),
        ({"sender": "a", "message": "hi", "metadata": "x"}, None, "metadata"),
    ],
)
def test_the_rest_webhook_answers_what_is_not_a_message_with_400_and_why(bot, body, data, error):
    reply = post(bot, body, data)
    assert reply.status_code == 400
    assert error in reply.json()["error"]


def test_over_rest_an_empty_message_gets_a_friendly_reply_and_nothing_is_stored(bot):
    sender = new_sender()
    for text in ("", "   \n\t"):
        reply = post(bot, {"sender": sender, "message": text})
        assert reply.status_code == 200
        assert reply.json() == [{"recipient_id": sender, "text": TEXTS["empty"]}]
    assert user_events(bot, sender) == []


@pytest.mark.parametrize("length", [2001, 100_000])
def test_over_rest_a_message_over_the_limit_is_413_with_a_reply_and_nothing_stored(bot, length):
    sender = new_sender()
    reply = post(bot, {"sender": sender, "message": ("my calf hurts " * 8000)[:length]})
    assert reply.status_code == 413
    (message,) = reply.json()
    assert message["recipient_id"] == sender and "up to 2,000 characters" in message["text"]
    assert user_events(bot, sender) == []


def test_over_rest_a_sender_over_the_rate_limit_gets_429_retry_after_and_a_reply(bot):
    sender = new_sender()
    statuses = [post(bot, {"sender": sender, "message": ""}).status_code for _ in range(30)]
    assert statuses == [200] * 30
    reply = post(bot, {"sender": sender, "message": "my calf hurts"})
    assert reply.status_code == 429
    # how long to wait depends on how long the 30 took: a whole number of seconds, at least
    # one and at most the interval between two messages, and the reply says the same number
    limiter = Gate.from_env(launch.server_environment()).limiter
    seconds = reply.headers["Retry-After"]
    assert seconds.isdigit() and 1 <= int(seconds) <= math.ceil(limiter.per / limiter.rate)
    assert reply.json() == [
        {"recipient_id": sender, "text": TEXTS["too_fast"].format(seconds=int(seconds))}
    ]
    assert post(bot, {"sender": new_sender(), "message": "hello"}).status_code == 200
    assert user_events(bot, sender) == []


def test_over_rest_half_an_emoji_is_read_not_dropped(bot):
    """Rasa alone fails in spaCy, answers [] and logs the text at ERROR."""
    sender = new_sender()
    reply = post(bot, {"sender": sender, "message": "a knot in my left calf \ud83d"})
    assert "any of these" in reply.json()[0]["text"]  # read: the calf's red-flag questions


def test_over_socketio_the_limits_answer_too(bot):
    tab = Socket(bot.url, uuid.uuid4().hex)
    assert tab.say("x" * 2001)[0]["text"].startswith("That message is too long for me")
    assert tab.say(" ") == [{"text": TEXTS["empty"]}]
    tab.close()
    assert user_events(bot, tab.session_id) == []


def test_over_telegram_the_limits_answer_too(bot):
    chat = Chat(bot)
    (call,) = chat.say("my calf " * 300)
    assert call["method"] == "sendMessage" and "up to 2,000 characters" in call["text"]
    assert user_events(bot, str(chat.id)) == []


@pytest.mark.parametrize(
    "path, body",
    [
        ("/model/parse", {"text": "my calf hurts " * 8000}),
        ("/conversations/{sender}/messages", {"text": "my calf hurts " * 8000, "sender": "user"}),
    ],
)
def test_the_http_api_refuses_a_text_over_the_limit_before_the_nlu_runs(bot, path, body):
    """Rasa alone parses any length: 100,000 characters took the server to 20 GB."""
    sender = new_sender()
    url = f"{bot.url}{path.format(sender=sender)}"
    reply = requests.post(url, json=body, timeout=60)
    assert reply.status_code == 413
    error = reply.json()
    assert error["reason"] == "MessageTooLong" and "at most 2,000" in error["message"]
    assert user_events(bot, sender) == []
    within = requests.post(url, json={**body, "text": "my left calf hurts"}, timeout=60)
    assert within.status_code == 200
