"""The latest message out of a Rasa tracker, for the domain to read (actions.triage.message)."""

from __future__ import annotations

from typing import Any

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
        answer=_answer_heard(latest),
    )


def _answer_heard(latest: dict[str, Any]) -> str | None:
    """The FAQ response the response selector chose, kept when the NLU took the message
    for a description after all (bot/server/nlu/pain_mention.py)."""
    chosen = ((latest.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    action = chosen.get("utter_action")
    return action if isinstance(action, str) and action.startswith("utter_faq/") else None
