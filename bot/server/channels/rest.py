"""Rasa's REST webhook with KnotBot's limits, clear errors for what is not a message, and an
answer even when the assistant fails. Configured in bot/credentials.yml as
`bot.server.channels.rest.RestInput`, in place of Rasa's `rest:`.

`POST /webhooks/rest/webhook` with `{"sender": ID, "message": TEXT, "metadata": {...}}`:
- 200 and the bot's messages, as Rasa answers: a JSON list of `{"recipient_id", "text"}`
  (and `buttons`, `image`, `custom`).
- 200 and one message in that shape when the message has no words (nothing is stored, no
  NLU runs; Rasa took it for a message and answered "I can only help with muscle pain"),
  or when the assistant could not answer (bot/server/channels/faults.py: nothing is stored).
- 413, and one message in that shape, when the message is longer than
  KNOTBOT_MAX_MESSAGE_CHARS; 429 with `Retry-After` (seconds), and one message, when the
  sender is over KNOTBOT_RATE_LIMIT (bot/server/channels/limits.py). The status lets a client
  back off; the body is still a reply, so a client that shows the texts shows why.
- 400 and `{"error": "..."}` for a request that is not a message: a body that is not a
  JSON object; a sender missing, not a string, empty, not printable or longer than 255
  characters (the SQL tracker store's column); a message missing or not a string;
  metadata that is not an object. Rasa answered these with 500, or with 200 and `[]`
  while logging the message's text at ERROR, and put a message without a sender into a
  conversation everyone shares ("default").

The replies leave out the session start's `{"knotbot": "conversation", ...}` message, which
is for the web widget's disclaimer (actions/session.py): a REST client reads the
conversation's emergency number from the tracker's `emergency_number` slot and the result
card, and its first reply stays the first thing the bot says.

The same size limit is added to Rasa's HTTP API when the server starts (bot/server/http_api.py).
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels import rest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot.server import http_api
from bot.server.channels import limits
from bot.server.channels.faults import Guard, OnNewMessage
from bot.server.channels.notes import is_channel_note

SENDER_MAX_CHARS = 255


def request_error(request: Request) -> str | None:
    """What makes the request something other than a message, or None."""
    try:
        body = request.json
    except InvalidUsage:
        return "the body is not JSON"
    if not isinstance(body, dict):
        return 'the body must be a JSON object: {"sender": ..., "message": ...}'
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        return "sender must be a non-empty string: the id of the conversation"
    if len(sender) > SENDER_MAX_CHARS or not sender.isprintable():
        return f"sender must be printable text of at most {SENDER_MAX_CHARS} characters"
    if not isinstance(body.get("message"), str):
        return "message must be a string: what the person typed"
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return "metadata must be a JSON object"
    return None


class WithoutChannelNotes(CollectingOutputChannel):
    """Rasa's collector for the webhook's reply (or its stream), without the messages meant
    for a channel rather than a person."""

    def __init__(self, collector: CollectingOutputChannel) -> None:
        self.collector = collector
        self.messages = collector.messages

    async def _persist_message(self, message: dict[str, Any]) -> None:
        if not is_channel_note(message.get("custom")):
            await self.collector._persist_message(message)


def without_channel_notes(on_new_message: OnNewMessage) -> OnNewMessage:
    async def handle(message: UserMessage) -> Any:
        if isinstance(message.output_channel, CollectingOutputChannel):
            message.output_channel = WithoutChannelNotes(message.output_channel)
        return await on_new_message(message)

    return handle


class RestInput(rest.RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req: Request) -> str:
        return limits.readable(req.json["message"])

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        gate = limits.gate()
        guard = Guard(on_new_message)
        blueprint = guard.watch(super().blueprint(without_channel_notes(guard)))

        @blueprint.on_request
        async def admit(request: Request) -> Any:
            if request.method != "POST":
                return None  # the health check
            if error := request_error(request):
                return response.json({"error": error}, status=400)
            sender = request.json["sender"]
            refusal = gate.check(sender, request.json["message"])
            if refusal is None:
                return None  # on to Rasa's handler
            headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
            reply = [{"recipient_id": sender, "text": refusal.text}]
            return response.json(reply, status=refusal.status, headers=headers)

        @blueprint.listener("before_server_start")
        async def limit_the_http_api(app: Sanic, _loop: Any) -> None:
            http_api.limit_message_size(app, limits.gate().max_chars)

        return blueprint
