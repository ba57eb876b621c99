"""The message limits (bot/server/channels/limits.py) and the REST channel's answers to what
is not a message (bot/server/channels/rest.py), in-process; on every channel of the running
assistant: tests/integration/test_limits.py."""

from __future__ import annotations

import asyncio
import json

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.server.channels.faults import Guard
from bot.server.channels.limits import Gate, RateLimiter, Refusal, readable, settings

TEXTS = settings()["texts"]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_sender_gets_a_burst_then_one_message_per_interval():
    clock = Clock()
    limiter = RateLimiter(rate=30, per=60, senders=100, clock=clock)
    assert [limiter.wait("a") for _ in range(30)] == [0] * 30
    assert limiter.wait("a") == pytest.approx(2)
    assert limiter.wait("b") == 0  # each sender has a bucket of their own
    clock.now += 1
    assert limiter.wait("a") == pytest.approx(1)  # a refused message takes no token
    clock.now += 1
    assert limiter.wait("a") == 0
    assert limiter.wait("a") == pytest.approx(2)
    clock.now += 60
    assert [limiter.wait("a") for _ in range(30)] == [0] * 30


def test_a_million_senders_do_not_grow_the_limiter_past_its_bound():
    clock = Clock()
    limiter = RateLimiter(rate=30, per=60, senders=10_000, clock=clock)
    let_through = 0
    for number in range(1_000_000):  # 100 s of new senders, and one who never stops
        clock.now += 0.0001
        limiter.wait(f"sender-{number}")
        if number % 1000 == 0:
            let_through += limiter.wait("flooder") == 0
    assert len(limiter.buckets) == 10_000
    # the least recently seen are forgotten first; the flooder, still sending, is not, and
    # gets its burst of 30 and one message every 2 s, never a fresh burst
    assert "sender-0" not in limiter.buckets and "sender-999999" in limiter.buckets
    assert let_through <= 30 + 100 / 2


def gate(max_chars: int = 2000, rate: int = 30) -> Gate:
    return Gate(max_chars, RateLimiter(rate, 60, 100, clock=Clock()), TEXTS)


def test_a_message_within_the_limits_goes_on():
    assert gate().check("a", "x" * 2000) is None


@pytest.mark.parametrize("text", ["", " ", "\n\t \u00a0\u2003"])
def test_a_message_without_words_is_answered_without_the_assistant(text):
    refusal = gate().check("a", text)
    assert refusal == Refusal("empty", TEXTS["empty"]) and refusal.status == 200


def test_a_message_over_the_size_limit_is_refused_saying_the_limit():
    refusal = gate().check("a", "my calf " * 12_500)
    assert refusal.reason == "too_long" and refusal.status == 413
    assert "up to 2,000 characters" in refusal.text and "it has 100,000" in refusal.text
    assert "calf" not in refusal.text  # what the person wrote is never repeated


def test_a_sender_over_the_rate_is_told_when_to_send_again():
    limited = gate(rate=2)
    assert limited.check("a", "") and limited.check("a", "x" * 3000)  # refused ones count
    refusal = limited.check("a", "my calf hurts")
    assert refusal.reason == "too_fast" and refusal.status == 429
    assert refusal.retry_after == 30 and "wait about 30 seconds" in refusal.text


@pytest.mark.parametrize(
    "env, max_chars, rate, per",
    [
        ({}, 2000, 30, 60),
        ({"KNOTBOT_MAX_MESSAGE_CHARS": "500", "KNOTBOT_RATE_LIMIT": "10/1s"}, 500, 10, 1),
        ({"KNOTBOT_RATE_LIMIT": " 5 / 2.5 "}, 2000, 5, 2.5),
    ],
)
def test_the_limits_come_from_the_environment_or_the_data_file(env, max_chars, rate, per):
    configured = Gate.from_env(env)
    assert configured.max_chars == max_chars
    assert (configured.limiter.rate, configured.limiter.per) == (rate, per)
    assert configured.limiter.senders == settings()["limits"]["remembered_senders"]


@pytest.mark.parametrize(
    "env",
    [
        {"KNOTBOT_MAX_MESSAGE_CHARS": "lots"},
        {"KNOTBOT_MAX_MESSAGE_CHARS": "0"},
        {"KNOTBOT_RATE_LIMIT": "fast"},
        {"KNOTBOT_RATE_LIMIT": "0/60s"},
        {"KNOTBOT_RATE_LIMIT": "30/0s"},
    ],
)
def test_a_wrong_setting_is_named(env):
    with pytest.raises(ValueError, match=next(iter(env))):
        Gate.from_env(env)


async def test_turns_past_the_slots_wait_and_start_in_the_order_they_came():
    slots = settings()["limits"]["turns_at_once"]
    started: list[str] = []
    running = most = 0

    async def turn(message: UserMessage) -> None:
        nonlocal running, most
        started.append(message.text)
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)  # as a turn waits for the action server
        running -= 1
        await message.output_channel.send_text_message(message.sender_id, "answered")

    guard = Guard(turn)
    messages = [
        UserMessage(f"message {n}", CollectingOutputChannel(), sender_id=f"sender {n}")
        for n in range(3 * slots)
    ]
    await asyncio.gather(*(guard(message) for message in messages))
    assert most == slots
    assert started == [message.text for message in messages]
    assert all(message.output_channel.messages for message in messages)


def test_half_an_emoji_becomes_a_replacement_character():
    # JSON pairs the halves of a whole emoji into one character; a lone half stays alone
    sent = json.loads('"calf \\ud83d hurts \\ud83d\\ude00 \\ude00"')
    assert readable(sent) == "calf \ufffd hurts 😀 \ufffd"
    assert readable("pain 😀 \U0001f4a5") == "pain 😀 \U0001f4a5"


# -- the running assistant -------------------------------------------------------------------
