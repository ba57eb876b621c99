"""Messages the assistant sends to a channel rather than to a person.

The session start tells the channel the conversation's emergency number as
`{"knotbot": "conversation", "emergency_number": ...}` (actions/session.py): the web widget
shows it in its disclaimer; the REST webhook and Telegram leave it out of what they pass on,
since their person reads the number in the bot's words."""

from __future__ import annotations

from typing import Any

CHANNEL_NOTES = ("conversation",)


def is_channel_note(custom: Any) -> bool:
    return isinstance(custom, dict) and custom.get("knotbot") in CHANNEL_NOTES
