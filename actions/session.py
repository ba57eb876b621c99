"""A new session: the conversation's one emergency number, resolved once.

The first session of a conversation resolves it from its first message's metadata (the web
widget's `data-locale`, a REST or socket.io client's `locale`, the Telegram user's
`language_code`; `actions.settings.emergency_number`). A later session (after "start over",
which resets every slot, or an hour's silence) keeps the number the conversation already
had, whatever its first message carries: one number per conversation
(../shared/spec/triage-policy.md). The number goes into the `emergency_number` slot, which
every response and the result card read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.settings import emergency_number

SLOT = "emergency_number"


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        number = earlier_number(tracker.events) or emergency_number(
            tracker.get_slot("session_started_metadata")
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
