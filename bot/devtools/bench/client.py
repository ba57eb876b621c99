"""The two Rasa endpoints the benchmark uses (REST webhook, tracker), over aiohttp.

aiohttp, already pinned by Rasa, keeps hundreds of requests in flight from one thread,
so the benchmark itself does not become the bottleneck it measures.
"""

from __future__ import annotations

import time

import aiohttp


class BenchError(Exception):
    """What went wrong, worded for the person running the benchmark."""


class TurnError(Exception):
    """One turn failed (HTTP status, timeout, a reply that is not a list of messages)."""


class Client:
    def __init__(self, session: aiohttp.ClientSession, url: str, token: str | None = None):
        self.session, self.url, self.token = session, url.rstrip("/"), token

    async def send(self, sender: str, text: str) -> tuple[list[dict], float]:
        """The bot's messages and the seconds the turn took."""
        start = time.perf_counter()
        try:
            async with self.session.post(
                f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
            ) as response:
                if response.status != 200:
                    raise TurnError(f"HTTP {response.status} from the REST webhook")
                messages = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError) as error:
            raise TurnError(f"{type(error).__name__}: {error}") from error
        if not isinstance(messages, list):
            raise TurnError(f"the REST webhook answered {str(messages)[:80]!r}, not a list")
        return messages, time.perf_counter() - start

    async def slots(self, sender: str) -> dict:
        params = {"token": self.token} if self.token else {}
        try:
            async with self.session.get(
                f"{self.url}/conversations/{sender}/tracker", params=params
            ) as response:
                if response.status in (401, 403):
                    raise BenchError(
                        f"{self.url} refuses the tracker (HTTP {response.status}): "
                        "give the API token with --token or KNOTBOT_API_TOKEN"
                    )
                if response.status != 200:
                    raise TurnError(f"HTTP {response.status} from the tracker")
                return (await response.json()).get("slots") or {}
        except (aiohttp.ClientError, TimeoutError) as error:
            raise TurnError(f"{type(error).__name__}: {error}") from error


def session(concurrency: int) -> aiohttp.ClientSession:
    """One connection per conversation in flight; a turn that takes a minute is a failure."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=concurrency + 2),
        timeout=aiohttp.ClientTimeout(total=60),
    )
