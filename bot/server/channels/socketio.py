"""Rasa's socket.io channel with working session persistence.

Rasa 3.6.21's `SocketIOInput` calls `sio.enter_room` without `await`; since python-socketio
5.10 it is a coroutine, so with `session_persistence: true` the socket never joins its
session's room and every reply, sent to that room, is lost (the team's research notes,
rasa-3.6-notes.md, section 0). This subclass re-registers the session request with the
await, and answers a message without a session id instead of dropping it silently.
Its output sends custom payloads as `{"custom": ...}`, the shape the REST channel uses:
Rasa's spreads them over `emit`'s keyword arguments, which fails for any payload that is
not `{"data": ...}`. Messages pass the limits of bot/server/channels/limits.py first (the widget
cuts at 2,000 characters, but any socket.io client can connect), and the person is
answered even when the assistant fails (bot/server/channels/faults.py). When every reply
to a message has been sent, the channel emits `bot_turn_done`: a client knows the turn is
over without guessing from a pause (the widget hides its typing dots on it).
Configured in bot/credentials.yml as `bot.server.channels.socketio.SocketIOInput`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import socketio
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint

from bot.server.channels import limits
from bot.server.channels.faults import Guard

TURN_DONE = "bot_turn_done"


class SocketIOOutput(socketio.SocketIOOutput):
    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self._send_message(recipient_id, {"custom": json_message})


class SocketIOInput(socketio.SocketIOInput):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        gate = limits.gate()
        guard = Guard(on_new_message)
        blueprint = guard.watch(super().blueprint(guard))
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"], namespace=self.namespace)
            await sio.emit("session_confirm", data["session_id"], room=sid)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                await sio.emit("session_error", "send messages as {message, session_id}", room=sid)
                return
            if self.session_persistence and not data.get("session_id"):
                await sio.emit("session_error", "send session_request before messages", room=sid)
                return
            sender_id = str(data["session_id"] if self.session_persistence else sid)
            text = str(data.get("message") or "")
            output = SocketIOOutput(sio, self.bot_message_evt)
            if refusal := gate.check(sender_id, text):
                await output.send_text_message(sender_id, refusal.text)
            else:
                await guard(self._message(text, output, sender_id, data))
            await sio.emit(TURN_DONE, {}, room=sender_id, namespace=self.namespace)

        return blueprint

    def _message(
        self, text: str, output: SocketIOOutput, sender_id: str, data: dict[str, Any]
    ) -> UserMessage:
        metadata = data.get(self.metadata_key) or {}
        if isinstance(metadata, str):
            try:
                metadata = json.loads(metadata)
            except ValueError:
                metadata = {}
        if not isinstance(metadata, dict):
            metadata = {}
        return UserMessage(
            limits.readable(text), output, sender_id, input_channel=self.name(), metadata=metadata
        )
