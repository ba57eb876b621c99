"""Every country of data/emergency_numbers.yml, end to end on the running stack: a person in
that country who describes an emergency is told that country's number first, and no other
country's number anywhere, over REST, socket.io (the widget's channel) and Telegram; and an
emergency intake's record says the number the patient was given. A country added to the
file is tested here without a change. The widget in a real browser: tests/browser/test_widget.py."""

from __future__ import annotations

import queue
import re
import uuid

import pytest
import requests
import socketio

from actions.settings import clinic_emergency_number, emergency_numbers
from bot.server.channels.socketio import TURN_DONE
from tests.conftest import CLINIC_TOKEN, texts
from tests.integration.test_intake_conversation import appointment, start
from tests.integration.test_telegram import Chat
from tests.staff import new_staff_member, sign_in

COUNTRIES = emergency_numbers()["countries"]
EMERGENCY = "crushing chest pain, I'm short of breath and sweating"
LANGUAGES = {"US": "en", "CA": "fr", "MX": "es", "GB": "en", "IE": "ga", "AU": "en",
             "NZ": "mi", "IN": "hi", "ZA": "zu", "AT": "de", "BE": "nl", "DE": "de",
             "DK": "da", "ES": "es", "FI": "fi", "FR": "fr", "IT": "it", "NL": "nl",
             "PL": "pl", "PT": "pt", "SE": "sv", "CH": "de", "NO": "nb"}  # fmt: skip
"""A language spoken in each country, for realistic tags; a new country gets "en"."""
STAFF = {"Authorization": f"Bearer {CLINIC_TOKEN}"}


def locale(country: str) -> str:
    return f"{LANGUAGES.get(country, 'en')}-{country}"


def numbers_in(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def other_numbers(number: str) -> set[str]:
    """Every number the table or the clinic's setting could give someone elsewhere."""
    return {*COUNTRIES.values(), clinic_emergency_number()} - {number}


def assert_only(number: str, said: str) -> None:
    assert number in numbers_in(said), said
    wrong = other_numbers(number) & set(numbers_in(said))
    assert not wrong, f"{sorted(wrong)} named beside {number}: {said}"


def first_text(replies: list[dict]) -> str:
    return next(r["text"] for r in replies if r.get("text"))


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_over_rest_an_emergency_names_the_countrys_number_first_and_only(bot, country):
    number = COUNTRIES[country]
    sender = f"test-{uuid.uuid4().hex[:10]}"
    reply = requests.post(
        f"{bot.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": EMERGENCY, "metadata": {"locale": locale(country)}},
        timeout=60,
    )
    replies = reply.json()
    first = first_text(replies)
    assert first.startswith(f"Please call {number} now."), first
    assert numbers_in(first)[0] == number
    assert_only(number, texts(replies))
    (card,) = [r["custom"] for r in replies if "custom" in r]
    assert card["level"] == "emergency" and card["emergency_number"] == number
    assert bot.slots(sender)["emergency_number"] == number


def test_over_rest_the_number_stays_the_conversations_after_starting_over(bot):
    # a REST client sends the locale with the first message only
    sender = f"test-{uuid.uuid4().hex[:10]}"
    requests.post(
        f"{bot.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "hello", "metadata": {"locale": "en-AU"}},
        timeout=60,
    ).raise_for_status()
    bot.send(sender, "start over")
    replies = bot.send(sender, EMERGENCY)
    assert first_text(replies).startswith("Please call 000 now.")
    assert_only("000", texts(replies))


class Tab:
    """The widget's side of socket.io: one session, messages with the page's locale."""

    def __init__(self, url: str, page_locale: str) -> None:
        self.locale = page_locale
        self.session_id = uuid.uuid4().hex
        self.replies: queue.Queue = queue.Queue()
        confirmed: queue.Queue = queue.Queue()
        self.client = socketio.Client()
        self.client.on("bot_uttered", self.replies.put)
        self.client.on(TURN_DONE, lambda _: self.replies.put(TURN_DONE))
        self.client.on("session_confirm", confirmed.put)
        self.client.connect(url, transports=["polling"], socketio_path="/socket.io")
        self.client.emit("session_request", {"session_id": self.session_id})
        confirmed.get(timeout=30)

    def say(self, text: str, until) -> list[dict]:
        """Send as the widget does, and collect the replies until the channel says the turn
        is over; `until(replies)` must then hold."""
        self.client.emit(
            "user_uttered",
            {"message": text, "session_id": self.session_id, "metadata": {"locale": self.locale}},
        )
        replies = []
        while (reply := self.replies.get(timeout=60)) != TURN_DONE:
            replies.append(reply)
        assert until(replies), replies
        return replies

    def close(self) -> None:
        # without waiting for the polling transport's last long poll (30 s)
        self.client.eio.disconnect(abort=True)


def has_text(replies: list[dict]) -> bool:
    return any(r.get("text") for r in replies)


def has_card(replies: list[dict]) -> bool:
    return any((r.get("custom") or {}).get("knotbot") == "result" for r in replies)


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_over_socketio_the_widget_is_told_the_number_and_the_bot_says_only_it(bot, country):
    number = COUNTRIES[country]
    tab = Tab(bot.url, locale(country))
    greeting = tab.say("/greet", until=has_text)
    # the session start tells the widget the conversation's number, before anything is said
    assert greeting[0] == {"custom": {"knotbot": "conversation", "emergency_number": number}}
    emergency = tab.say(EMERGENCY, until=has_card)
    tab.close()
    assert first_text(emergency).startswith(f"Please call {number} now.")
    assert_only(number, texts(greeting + emergency))
    cards = [r["custom"] for r in emergency if "custom" in r]
    assert cards == [
        {
            "knotbot": "result",
            "level": "emergency",
            "title": "Emergency: call now",
            "colour": "#b3261e",
            "emergency_number": number,
        }
    ]


def telegram_tags() -> list[tuple[str, str]]:
    """(language_code, the number it gives): each country as Telegram writes a tag with one
    ("pt-br": lower case), and bare languages, which name no country."""
    tags = [(f"{LANGUAGES.get(c, 'en')}-{c.lower()}", n) for c, n in sorted(COUNTRIES.items())]
    return [*tags, ("en", ""), ("de", ""), ("pt-br", "")]


@pytest.mark.parametrize(("language_code", "number"), telegram_tags(), ids=lambda v: v or "clinic")
def test_on_telegram_the_users_language_picks_the_number_and_every_message_names_it(
    bot, language_code, number
):
    number = number or clinic_emergency_number()
    chat = Chat(bot)
    chat.person["language_code"] = language_code
    calls = chat.say(EMERGENCY)
    messages = [c for c in calls if c["method"] == "sendMessage"]
    assert messages[0]["text"].startswith(f"Please call {number} now.")
    for message in messages:
        assert not other_numbers(number) & set(numbers_in(message["text"])), message["text"]
    assert not [c for c in calls if c["method"] == "sendPhoto"]
    assert chat.slots()["emergency_number"] == number
    # and later on, in the same conversation
    assert_only(number, texts(chat.say("/start")))
    recorded = " ".join(c.params.get("text", "") for c in bot.telegram.sent_to(chat.id))
    assert_only(number, recorded)


def test_an_emergency_intake_in_great_britain_is_recorded_with_999(bot):
    ref = appointment(bot)
    sender = f"test-{uuid.uuid4().hex[:10]}"
    first = requests.post(
        f"{bot.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": start(ref), "metadata": {"locale": "en-GB"}},
        timeout=60,
    ).json()
    assert_only("999", texts(first))
    bot.send(sender, "yes")
    told = bot.send(sender, "my jaw and upper back hurt and I feel short of breath and clammy")
    assert first_text(told).startswith("Please call 999 now.")
    assert_only("999", texts(told))

    record = requests.get(f"{bot.web_url}/clinic/intakes/{ref}", headers=STAFF, timeout=10)
    record = record.json()
    assert record["flagged"] and record["triage_level"] == "emergency"
    assert record["emergency_number"] == record["slots"]["emergency_number"] == "999"
    fhir = requests.get(f"{bot.web_url}/clinic/intakes/{ref}/fhir", headers=STAFF, timeout=10)
    items = {item["linkId"]: item["answer"] for item in fhir.json()["item"]}
    assert items["emergency_number"] == [{"valueString": "999"}]
    staff = sign_in(bot.web_url, new_staff_member(bot.database_url))
    page = staff.get(f"{bot.web_url}/staff/intakes/{ref}", timeout=10).text
    banner = page[page.index('class="banner"') : page.index('id="summary-title"')]
    assert "to call 999 now" in " ".join(banner.split())
    assert_only("999", re.sub(r"<[^>]+>", " ", page.replace(ref, "")))
