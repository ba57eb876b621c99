"""When the assistant cannot answer a turn: the action server down or slow, or any failure.

What Rasa 3.6.21 does by itself (tests/unit/test_faults.py shows it):
- Action server down: `RemoteAction` raises, and `MessageProcessor._run_action` logs "Bot
  will continue, but the actions events are lost", records the action as run without its
  events and carries on; the turn is saved so. The person gets no reply (the REST webhook
  answers 200 and `[]`), their answer is dropped (the form's validation never ran), and a
  new conversation's `action_session_start` is lost for good (its slots are never set).
- Action server slow: Rasa waits up to 300 s (`DEFAULT_REQUEST_TIMEOUT`, hard-coded;
  endpoints.yml has no setting for it, RasaHQ/rasa#9789), then the same.
- Tracker store's database down: Rasa wraps every tracker store in a fail-safe one, which
  reads a conversation it cannot load as a new one (the interview starts again: "Where
  does it hurt?"), keeps what it cannot save in memory (gone at the next restart, and
  hidden once the database is back) and logs the database's error, whose message can
  carry the statement's parameters: the events, with what the person typed.
- Anything else failing in a turn: the REST webhook answers `[]` and logs the message's
  text at ERROR; other channels say nothing.

What KnotBot's channels do instead, through `Guard`:
- The agent's action endpoint becomes a `GuardedEndpoint`, whose calls time out after
  KNOTBOT_ACTION_TIMEOUT seconds (5 by default, data/channels/limits.yml). A refused
  connection, a timeout or a 5xx (from the server or a proxy before it) raises
  `ActionServerUnavailable`, a BaseException so that the processor's `except Exception`
  around actions lets it through: the turn stops before Rasa saves the tracker, which
  stays as it was before the message. The next message, once the server is back,
  continues from there with the same slots. Only in a channel's turn: the HTTP API
  (`GET /conversations/ID/tracker` of a new conversation runs `action_session_start`)
  gets the timeout and otherwise Rasa's own behaviour.
- The tracker store (bot/server/stores.py) raises `ConversationStoreUnavailable` the same way
  when its database fails in a channel's turn, so the turn is abandoned, not run on an
  empty conversation.
- The person is told so (`unavailable` in data/channels/limits.yml) on whatever channel
  they use; over REST the reply replaces what the abandoned turn had said (200, the usual
  list of messages). The log line names the action and the error, never the text.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, NoReturn
from weakref import WeakKeyDictionary

import aiohttp
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.utils.endpoints import ClientResponseError, EndpointConfig
from sanic import Blueprint

from bot.server import rasa_patches
from bot.server.channels.limits import settings

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class TurnAbandoned(BaseException):
    """A service the turn needs is unavailable: the turn is abandoned, not saved.

    A BaseException, so that Rasa's `except Exception` (around actions, and in the
    fail-safe tracker store that wraps every tracker store) lets it through to `Guard`."""


class ActionServerUnavailable(TurnAbandoned):
    """The action server could not run an action."""


class ConversationStoreUnavailable(TurnAbandoned):
    """The tracker store's database could not be read or written (bot/server/stores.py)."""


IN_TURN: ContextVar[bool] = ContextVar("knotbot_in_guarded_turn", default=False)
"""True while a channel's `Guard` runs a turn, the only place that catches the above."""


def action_timeout() -> float:
    default = settings()["limits"]["action_timeout_seconds"]
    value = os.environ.get("KNOTBOT_ACTION_TIMEOUT") or str(default)
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        raise ValueError(f"KNOTBOT_ACTION_TIMEOUT must be a number of seconds: {value}")
    return seconds


class GuardedEndpoint(EndpointConfig):
    """Rasa's action endpoint with a timeout, failing the turn when the server is away."""

    timeout: float

    @classmethod
    def around(cls, endpoint: EndpointConfig, timeout: float) -> GuardedEndpoint:
        guarded = cls(
            endpoint.url,
            endpoint.params,
            endpoint.headers,
            endpoint.basic_auth,
            endpoint.token,
            endpoint.token_name,
            endpoint.cafile,
            **endpoint.kwargs,
        )
        guarded.type = endpoint.type
        guarded.timeout = timeout
        return guarded

    async def request(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["timeout"] = aiohttp.ClientTimeout(total=self.timeout)
        action = (kwargs.get("json") or {}).get("next_action")
        try:
            return await super().request(*args, **kwargs)
        except ClientResponseError as error:
            if error.status < 500:  # rasa-sdk rejecting the action (400): Rasa handles it
                raise
            self._unavailable(error, f"{action}: status {error.status}")
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as error:
            self._unavailable(error, f"{action}: {type(error).__name__}")

    def _unavailable(self, error: Exception, problem: str) -> NoReturn:
        if not IN_TURN.get():  # the HTTP API: nothing there would catch a BaseException
            raise error
        raise ActionServerUnavailable(
            f"{problem} from the action server (timeout {self.timeout:g} s)"
        ) from error


def protect(agent: Agent | None, timeout: float) -> None:
    """Guard the agent's action endpoint, once (a model loaded by `PUT /model` comes with a
    new agent, so this runs before every turn)."""
    for holder in (agent, getattr(agent, "processor", None)):
        if holder is None:
            continue
        endpoint = getattr(holder, "action_endpoint", None)
        if endpoint is not None and not isinstance(endpoint, GuardedEndpoint):
            holder.action_endpoint = GuardedEndpoint.around(endpoint, timeout)


class Guard:
    """A channel's `on_new_message`, guarded: the turn runs with the agent's action endpoint
    guarded, and the person is always answered, even when the turn fails.

    `watch(blueprint)` once the channel's blueprint exists: the agent is found on its app
    at every turn. The timeout is read at once, so a wrong KNOTBOT_ACTION_TIMEOUT stops
    the server at start. Every channel has a guard, so this is also where a Rasa server
    started without KnotBot's patches of Rasa (as `rasa run`, not `python -m bot.server.serve
    run`) says so in its log; the guard changes nothing in Rasa (bot/server/rasa_patches.py)."""

    def __init__(self, on_new_message: OnNewMessage) -> None:
        rasa_patches.warn_unless_applied()
        self.on_new_message = on_new_message
        self.timeout = action_timeout()
        self.blueprint: Blueprint | None = None

    def watch(self, blueprint: Blueprint) -> Blueprint:
        self.blueprint = blueprint
        return blueprint

    async def __call__(self, message: UserMessage) -> None:
        for app in self.blueprint.apps if self.blueprint else ():
            protect(getattr(app.ctx, "agent", None), self.timeout)
        turn = IN_TURN.set(True)
        try:
            async with turn_slots():
                await self.on_new_message(message)
            return
        except TurnAbandoned as error:
            logger.warning("Turn abandoned, the tracker is as it was: %s", error)
        except Exception as error:
            logger.error("Turn failed (%s)", type(error).__name__)
        finally:
            IN_TURN.reset(turn)
        await apologise(message)


TURN_SLOTS: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = WeakKeyDictionary()


def turn_slots() -> asyncio.Semaphore:
    """The turns this Rasa server works on at once (`turns_at_once` in limits.yml); the
    others wait, in the order they came. Rasa would interleave every turn at each call to
    the action server, so under load each turn waited behind all the others several
    times over. One set of slots per event loop: Sanic's, or a test's."""
    loop = asyncio.get_running_loop()
    if loop not in TURN_SLOTS:
        TURN_SLOTS[loop] = asyncio.Semaphore(settings()["limits"]["turns_at_once"])
    return TURN_SLOTS[loop]


async def apologise(message: UserMessage) -> None:
    output = message.output_channel
    if isinstance(output, CollectingOutputChannel) and isinstance(output.messages, list):
        output.messages.clear()  # REST: what the abandoned turn said goes with it
    try:
        await output.send_text_message(message.sender_id, settings()["texts"]["unavailable"])
    except Exception as error:
        logger.warning("Apology not sent (%s)", type(error).__name__)
