"""A new session: the conversation's one emergency number, resolved once.

The first session of a conversation resolves it from its first message's metadata (the web
widget's `data-locale`, a REST or socket.io client's `locale`, the Telegram user's
`language_code`; `actions.settings.emergency_number`). A later session (after "start over",
which resets every slot, or an hour's silence) keeps the number the conversation already
had, whatever its first message carries: one number per conversation
(docs/triage-policy.md). The number goes into the `emergency_number` slot, which
every response, the result card and the intake record read, and out to the channel as
`{"knotbot": "conversation", "emergency_number": ...}`, so that the web widget shows it in
its disclaimer (Telegram and the REST webhook leave that message out), when a channel's
message starts the session (the widget's always carry the page's locale)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.settings import emergency_number

SLOT = "emergency_number"
CONVERSATION_PAYLOAD = "conversation"
"""`custom.knotbot` of the message that tells a channel the conversation's number."""


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = earlier_number(tracker.events) or emergency_number(
            tracker.get_slot("session_started_metadata")
        )
        if started_by_a_message(tracker.events):
            dispatcher.utter_message(
                json_message={"knotbot": CONVERSATION_PAYLOAD, "emergency_number": number}
            )
        return [SessionStarted(), SlotSet(SLOT, number), ActionExecuted("action_listen")]


def earlier_number(events: Iterable[Mapping[str, Any]]) -> str | None:
    """The number an earlier session of this conversation set, if any."""
    numbers = [
        event.get("value")
        for event in events
        if event.get("event") == "slot" and event.get("name") == SLOT
    ]
    return next((str(number) for number in reversed(numbers) if number), None)


def started_by_a_message(events: list[Mapping[str, Any]]) -> bool:
    """Whether a channel's message, with metadata, starts this session: Rasa then sets
    `session_started_metadata` just before running the session start, and there is a
    channel to tell. Rasa's HTTP API (`trigger_intent`, `messages`, a new tracker's GET)
    starts sessions with no channel at all, and a message then fails its request."""
    last = events[-1] if events else {}
    return last.get("event") == "slot" and last.get("name") == "session_started_metadata"
