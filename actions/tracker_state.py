"""The latest message out of a Rasa tracker, for the domain to read (actions.triage.message)."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.triage.message import Message


def message_from(tracker: Tracker) -> Message:
    latest = tracker.latest_message or {}
    intent = latest.get("intent") or {}
    return Message(
        text=latest.get("text") or "",
        intent=intent.get("name"),
        confidence=intent.get("confidence") or 0.0,
        entities=tuple(latest.get("entities") or ()),
    )
