"""The socket.io channel the web widget uses: replies arrive, and a reload keeps the
conversation (session persistence, broken in Rasa 3.6's own channel)."""

from __future__ import annotations

import queue
import uuid

import socketio

from bot.server.channels.socketio import TURN_DONE


class Socket:
    """A browser tab: one socket.io connection asking for a session."""

    def __init__(self, url: str, session_id: str) -> None:
        self.replies: queue.Queue = queue.Queue()
        self.confirmed: queue.Queue = queue.Queue()
        self.client = socketio.Client()
        self.client.on("bot_uttered", self.replies.put)
        self.client.on(TURN_DONE, lambda _: self.replies.put(TURN_DONE))
        self.client.on("session_confirm", self.confirmed.put)
        # polling: python-engineio's websocket client needs a newer aiohttp than Rasa's
        self.client.connect(url, transports=["polling"], socketio_path="/socket.io")
        self.client.emit("session_request", {"session_id": session_id})
        self.session_id = self.confirmed.get(timeout=30)

    def say(self, text: str, metadata: dict | None = None) -> list[dict]:
        message = {"message": text, "session_id": self.session_id, "metadata": metadata or {}}
        self.client.emit("user_uttered", message)
        replies = []
        # the channel says when the turn is over; 60 s is only a broken server's bound
        while (reply := self.replies.get(timeout=60)) != TURN_DONE:
            replies.append(reply)
        return replies

    def close(self) -> None:
        # without waiting for the polling transport's last long poll (30 s)
        self.client.eio.disconnect(abort=True)


def test_replies_reach_the_page_and_a_reload_continues_the_conversation(bot):
    session = uuid.uuid4().hex
    tab = Socket(bot.url, session)
    assert tab.session_id == session
    first = tab.say("a knot in my left calf from running")
    assert any("any of these" in (r.get("text") or "") for r in first)
    tab.close()

    reloaded = Socket(bot.url, session)
    assert any("How long" in (r.get("text") or "") for r in reloaded.say("no"))
    reloaded.say("3 days")
    reloaded.close()
    slots = bot.slots(session)
    assert slots["pain_regions"] == ["calf"]
    assert slots["pain_duration_days"] == 3


def test_a_message_without_a_session_is_refused_with_a_reason(bot):
    tab = Socket(bot.url, uuid.uuid4().hex)
    errors: queue.Queue = queue.Queue()
    tab.client.on("session_error", errors.put)
    tab.client.emit("user_uttered", {"message": "hello"})
    assert "session_request" in errors.get(timeout=30)
    tab.close()


def test_custom_payloads_arrive_whole_and_the_page_locale_picks_the_emergency_number(bot):
    session = uuid.uuid4().hex
    tab = Socket(bot.url, session)
    greeting = tab.say("hello", metadata={"locale": "en-GB"})
    # the session start tells the widget the conversation's number, for its disclaimer
    assert greeting[0] == {"custom": {"knotbot": "conversation", "emergency_number": "999"}}
    # Rasa's own channel spreads a custom payload over emit's arguments and fails
    assert {"custom": {"knotbot": "body_map"}} in greeting
    assert "call 999" in " ".join(r.get("text") or "" for r in greeting)
    replies = tab.say("sudden crushing chest pain and I can't breathe")
    tab.close()
    cards = [r["custom"] for r in replies if "custom" in r]
    assert cards == [
        {
            "knotbot": "result",
            "level": "emergency",
            "title": "Emergency: call now",
            "colour": "#b3261e",
            "emergency_number": "999",
        }
    ]


def test_the_widget_gets_the_muscles_on_the_card_instead_of_one_message_each(bot):
    tab = Socket(bot.url, uuid.uuid4().hex)
    for text in ("a knot in my left calf from running", "no", "3 days"):
        tab.say(text)
    replies = tab.say("4")
    tab.close()
    texts = [r["text"] for r in replies if r.get("text")]
    assert not [t for t in texts if t.startswith("1. ")]
    (card,) = [r["custom"] for r in replies if "custom" in r]
    assert card["level"] == "self_care"
    assert card["regions"] == [{"code": "calf", "label": "Calf"}] and card["side"] == "left"
    first = card["trigger_points"][0]
    assert first["number"] == 1 and first["pressure"] and first["stretch"] and first["reason"]
    assert [p["code"] for p in card["trigger_points"]] == bot.slots(tab.session_id)[
        "trigger_points"
    ]
