"""What every channel lets through to the assistant: a size limit and a per-sender rate limit.

A message over a limit, or with no words at all, never reaches the assistant (nothing is
stored in the tracker); the person is told why and what to do, with the texts of
data/channels/limits.yml. The limits' defaults are there too, and environment variables
override them: KNOTBOT_MAX_MESSAGE_CHARS (2000) and KNOTBOT_RATE_LIMIT ("30/60s": 30
messages per sender per 60 seconds, as a token bucket).

Why a size limit at all: Rasa's NLU pipeline grows with the length of a message, and one
message of 100,000 characters sent to the REST webhook drove the Rasa server to 20 GB
and the kernel's OOM killer. The rate limiter lives in the Rasa server's memory (per
process, like the in-memory lock store), and remembers a bounded number of senders, so a
flood of new sender ids cannot grow it without limit.

Over REST (bot/server/channels/rest.py) a refusal keeps the usual reply shape, a JSON list of
`{"recipient_id", "text"}`, with status 413 (too long), 429 and `Retry-After` (too
fast) or 200 (no words): see `Refusal`.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import yaml

from actions.settings import DATA_DIR

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
RATE = re.compile(r"(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?")


@cache
def settings() -> dict:
    return yaml.safe_load((DATA_DIR / "channels" / "limits.yml").read_text())


def readable(text: str) -> str:
    """The text with unpaired UTF-16 surrogates replaced by U+FFFD.

    JSON (REST, socket.io) can carry half of an emoji, for example from a client cutting a
    message at a length limit; spaCy cannot encode one and the NLU run fails."""
    return LONE_SURROGATE.sub("\ufffd", text)


REFUSAL_STATUSES = {"too_long": 413, "too_fast": 429}
"""The REST webhook's statuses for a message over a limit; the body is still a reply, so a
client shows it rather than failing."""


@dataclass(frozen=True)
class Refusal:
    """Why a message does not reach the assistant, and what the person is told."""

    reason: str
    """`too_long`, `too_fast` or `empty`."""
    text: str
    retry_after: int = 0
    """Seconds until the sender may send again (`too_fast` only)."""

    @property
    def status(self) -> int:
        """The REST webhook's HTTP status: the body is a reply either way."""
        return REFUSAL_STATUSES.get(self.reason, 200)


class RateLimiter:
    """A token bucket per sender: `rate` messages at once, refilled at `rate` per `per` s.

    The buckets are kept in order of last use; past `senders` of them the least recently
    used one is dropped (a sender unseen for a whole window has a full bucket,
    exactly as if it had never been seen)."""

    def __init__(
        self,
        rate: int,
        per: float,
        senders: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.per = per
        self.senders = senders
        self.clock = clock
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def wait(self, sender: str) -> float:
        """0 when `sender` may send now (and takes a token), else the seconds to wait."""
        now = self.clock()
        tokens, then = self.buckets.get(sender, (self.rate, now))
        tokens = min(self.rate, tokens + (now - then) * self.rate / self.per)
        wait = 0.0 if tokens >= 1 else (1 - tokens) * self.per / self.rate
        self.buckets[sender] = (tokens - 1 if wait == 0 else tokens, now)
        self.buckets.move_to_end(sender)
        if len(self.buckets) > self.senders:
            self.buckets.popitem(last=False)
        return wait


class Gate:
    """The checks a message passes before the assistant sees it, and the replies if not."""

    def __init__(self, max_chars: int, limiter: RateLimiter, texts: Mapping[str, str]) -> None:
        self.max_chars = max_chars
        self.limiter = limiter
        self.texts = texts

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Gate:
        defaults = settings()["limits"]
        max_chars = env.get("KNOTBOT_MAX_MESSAGE_CHARS") or str(defaults["max_message_chars"])
        rate = env.get("KNOTBOT_RATE_LIMIT") or defaults["rate_limit"]
        if not max_chars.isdigit() or int(max_chars) < 1:
            raise ValueError(f"KNOTBOT_MAX_MESSAGE_CHARS must be a positive number: {max_chars}")
        match = RATE.fullmatch(rate.strip())
        if not match or int(match[1]) < 1 or float(match[2]) <= 0:
            raise ValueError(f'KNOTBOT_RATE_LIMIT must look like "30/60s": {rate}')
        limiter = RateLimiter(int(match[1]), float(match[2]), defaults["remembered_senders"])
        return cls(int(max_chars), limiter, settings()["texts"])

    def check(self, sender: str, text: str) -> Refusal | None:
        """None when the message may go on to the assistant. Empty and oversized messages
        count towards the rate too: a script sending huge ones is slowed down as well."""
        wait = self.limiter.wait(sender)
        if wait:
            seconds = math.ceil(wait)
            return Refusal("too_fast", self.texts["too_fast"].format(seconds=seconds), seconds)
        if not text.strip():
            return Refusal("empty", self.texts["empty"])
        if len(text) > self.max_chars:
            reply = self.texts["too_long"].format(
                max_chars=f"{self.max_chars:,}", length=f"{len(text):,}"
            )
            return Refusal("too_long", reply)
        return None


@cache
def gate() -> Gate:
    """The Rasa server's one gate, shared by its channels."""
    return Gate.from_env()
