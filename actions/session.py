"""A new conversation: the emergency number for the page's locale goes into the responses'
slot (the web widget sends its `data-locale` as the session's metadata)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.settings import emergency_number


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        metadata = tracker.get_slot("session_started_metadata") or {}
        locale = metadata.get("locale") if isinstance(metadata, dict) else None
        return [
            SessionStarted(),
            SlotSet("emergency_number", emergency_number(str(locale) if locale else None)),
            ActionExecuted("action_listen"),
        ]
