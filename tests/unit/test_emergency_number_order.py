"""Where a conversation's emergency number comes from, and that it is resolved once: the
metadata's locale, then the Telegram user's language, then the clinic's setting, then the
table's default (actions/settings.py, actions/session.py)."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.session import ActionSessionStart
from actions.settings import emergency_number, emergency_numbers, locale_country

COUNTRIES = emergency_numbers()["countries"]
DEFAULT = emergency_numbers()["default"]
CLINIC = "5550100"
"""A clinic's own setting, unlike any number in the table, so that a test can tell it apart."""


@pytest.fixture
def clinic(monkeypatch) -> str:
    monkeypatch.setenv("KNOTBOT_EMERGENCY_NUMBER", CLINIC)
    return CLINIC


def test_the_metadata_locale_beats_the_telegram_language(clinic):
    assert emergency_number({"locale": "en-GB", "language_code": "de-DE"}) == "999"


def test_the_telegram_language_beats_the_clinics_setting(clinic):
    assert emergency_number({"language_code": "en-AU"}) == "000"
    assert emergency_number({"language_code": "pt-br"}) == clinic  # Brazil is not listed
    assert emergency_number({"language_code": "en-nz"}) == "111"


def test_a_locale_without_a_listed_country_leaves_it_to_the_telegram_language(clinic):
    assert emergency_number({"locale": "en", "language_code": "en-GB"}) == "999"
    assert emergency_number({"locale": "xx-ZZ", "language_code": "fr-FR"}) == "112"


def test_the_clinics_setting_beats_the_default(clinic):
    assert emergency_number({"language_code": "en"}) == clinic
    assert emergency_number({}) == clinic
    assert emergency_number(None) == clinic


def test_without_a_clinic_setting_the_tables_default(monkeypatch):
    monkeypatch.delenv("KNOTBOT_EMERGENCY_NUMBER", raising=False)
    assert emergency_number({"locale": "pt-BR"}) == DEFAULT == "911"
    monkeypatch.setenv("KNOTBOT_EMERGENCY_NUMBER", "  ")
    assert emergency_number({}) == DEFAULT


@pytest.mark.parametrize(
    "locale",
    [
        5,
        "",
        "xx-ZZ",
        "en-" + "G" * 10_000,
        "x" * 10_000,
        "🚑",
        "en-🇬🇧",
        "🇬🇧",
        None,
        ["en-GB"],
        {"country": "GB"},
        "en-GB\n",
        "en GB",
        "-GB",
        "en-x-GB",
        "en--GB",
        "ÉN-ÄU",
    ],
    ids=lambda value: repr(value)[:20],
)
def test_bad_input_gives_the_clinics_setting_without_a_crash(clinic, locale):
    assert emergency_number({"locale": locale}) == clinic
    assert emergency_number({"language_code": locale}) == clinic


@pytest.mark.parametrize("metadata", [5, "en-GB", ["locale", "en-GB"], object()])
def test_metadata_that_is_not_an_object_gives_the_clinics_setting(clinic, metadata):
    assert emergency_number(metadata) == clinic


@pytest.mark.parametrize(
    ("tag", "country"),
    [
        ("en-GB", "GB"),
        ("pt-br", "BR"),
        ("en_NZ", "NZ"),
        ("zh-Hant-TW", "TW"),
        ("de", None),
        ("es-419", None),
        ("sr-Latn-RS-u-nu-latn", "RS"),
        ("en-US-x-GB", "US"),
    ],
)
def test_the_country_of_a_language_tag(tag, country):
    assert locale_country(tag) == country


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_every_country_in_the_table_is_found_from_its_locale(clinic, country):
    assert emergency_number({"locale": f"en-{country}"}) == COUNTRIES[country]
    assert emergency_number({"language_code": f"xx-{country.lower()}"}) == COUNTRIES[country]


def session_tracker(metadata=None, events=()) -> Tracker:
    return Tracker(
        sender_id="test",
        slots={"session_started_metadata": metadata},
        latest_message={},
        events=list(events),
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


async def start(tracker: Tracker) -> tuple[dict, list[dict]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSessionStart().run(dispatcher, tracker, {})
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, dispatcher.messages


METADATA_SET = {"event": "slot", "name": "session_started_metadata", "value": {}}
"""What Rasa logs just before the session start when a channel's message starts it."""


async def test_the_session_start_sets_the_slot_and_tells_the_channel(clinic):
    slots, messages = await start(session_tracker({"locale": "en-GB"}, [METADATA_SET]))
    assert slots == {"emergency_number": "999"}
    assert [m["custom"] for m in messages] == [
        {"knotbot": "conversation", "emergency_number": "999"}
    ]


async def test_a_session_the_http_api_starts_sets_the_slot_and_says_nothing(clinic):
    # Rasa's HTTP API starts a session without a channel: a message would fail its request
    slots, messages = await start(session_tracker(None))
    assert slots == {"emergency_number": clinic} and messages == []


async def test_a_later_session_keeps_the_conversations_number(clinic):
    # "start over" resets every slot, and a REST client sends the locale only at first
    before = [
        {"event": "session_started"},
        {"event": "slot", "name": "emergency_number", "value": "000"},
        {"event": "slot", "name": "pain_regions", "value": ["chest"]},
        {"event": "restart"},
        METADATA_SET,
    ]
    slots, messages = await start(session_tracker(None, before))
    assert slots == {"emergency_number": "000"}
    assert messages[0]["custom"]["emergency_number"] == "000"
    # nor does another locale later change it: one number per conversation
    slots, _ = await start(session_tracker({"locale": "en-GB"}, before))
    assert slots == {"emergency_number": "000"}


async def test_a_session_start_with_bad_metadata_gives_the_clinics_setting(clinic):
    for metadata in ({"locale": 5}, {"locale": "🚑"}, "en-GB", None):
        slots, _ = await start(session_tracker(metadata))
        assert slots == {"emergency_number": clinic}
