"""KnotBot's tracker store keeps conversations exactly as Rasa's own SQL store does, on
SQLite and PostgreSQL: each reads what the other wrote, and they write the same rows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from actions.intake.saving import ERASE_ACTION
from actions.settings import tracker_database_url
from bot.server.stores import DatabaseTrackerStore
from tests.databases import new_postgres_database

DOMAIN = Domain.load("bot/domain")


def session(number: int, time: float) -> list:
    """A session of an interview: its start, the person's message, the bot's turn."""
    return [
        ActionExecuted("action_session_start", timestamp=time),
        SessionStarted(timestamp=time + 0.1),
        ActionExecuted("action_listen", timestamp=time + 0.2),
        UserUttered(
            f"my calf hurts, session {number}",
            {"name": "inform", "confidence": 0.93},
            [{"entity": "body_region", "value": "calf", "start": 3, "end": 7}],
            timestamp=time + 1,
        ),
        SlotSet("pain_regions", ["calf"], timestamp=time + 1.1),
        ActionExecuted("triage_form", timestamp=time + 1.2),
        BotUttered(
            "Since when?", {"buttons": [{"title": "Today", "payload": "/x"}]}, timestamp=time + 1.3
        ),
        ActionExecuted("action_listen", timestamp=time + 1.4),
    ]


@pytest.fixture(params=["sqlite", "postgresql"])
def stores(request, tmp_path, monkeypatch) -> tuple[DatabaseTrackerStore, SQLTrackerStore]:
    if request.param == "sqlite":
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'knotbot.db'}")
    else:
        monkeypatch.setenv(
            "DATABASE_URL", new_postgres_database(request.getfixturevalue("postgres"))
        )
    url = tracker_database_url()
    ours = DatabaseTrackerStore(domain=DOMAIN)
    rasas = SQLTrackerStore(DOMAIN, dialect=make_url(url).get_backend_name(), host=url)
    yield ours, rasas
    ours.engine.dispose()
    rasas.engine.dispose()


async def save_turn_by_turn(store, sender_id: str, events: list) -> DialogueStateTracker:
    """Saved as the Rasa server saves: each turn's tracker read from the store, updated
    and saved."""
    for start in range(0, len(events), 3):
        tracker = await store.retrieve(sender_id)
        tracker = tracker or DialogueStateTracker.from_events(sender_id, [], DOMAIN.slots)
        for event in events[start : start + 3]:
            tracker.update(event)
        await store.save(tracker)
    return tracker


def rows(store, sender_id: str) -> list[tuple]:
    events = store.SQLEvent.__table__
    columns = [c for c in events.c if c.name not in ("id", "sender_id")]
    with store.engine.connect() as connection:
        query = sa.select(*columns).where(events.c.sender_id == sender_id).order_by(events.c.id)
        return [tuple(row) for row in connection.execute(query)]


@pytest.mark.parametrize("writer", ["ours", "rasas"])
async def test_each_store_reads_what_the_other_wrote(stores, writer):
    ours, rasas = stores
    written_by, read_by = (ours, rasas) if writer == "ours" else (rasas, ours)
    events = session(1, 1000.0) + session(2, 5000.0)
    tracker = await save_turn_by_turn(written_by, "someone", events)

    latest = await read_by.retrieve("someone")
    assert latest.events == (await written_by.retrieve("someone")).events
    assert list(latest.events) == events[9:]  # from the latest session's start
    assert latest.current_slot_values() == tracker.current_slot_values()
    full = await read_by.retrieve_full_tracker("someone")
    assert list(full.events) == events


async def test_both_stores_write_the_same_rows_once(stores):
    ours, rasas = stores
    events = session(1, 1000.0) + session(2, 5000.0)
    await save_turn_by_turn(ours, "written by ours", events)
    await save_turn_by_turn(rasas, "written by rasa", events)

    written = rows(ours, "written by ours")
    assert written == rows(rasas, "written by rasa")
    assert len(written) == len(events)
    assert written[3][:4] == ("user", 1001.0, "inform", None)


async def test_an_unknown_conversation_is_none(stores):
    ours, _ = stores
    assert await ours.retrieve("nobody") is None
    assert await ours.retrieve_full_tracker("nobody") is None


async def test_a_turn_that_deletes_my_data_erases_every_session_of_that_conversation_only(stores):
    ours, _ = stores
    await save_turn_by_turn(ours, "erased", session(1, 1000) + session(2, 2000))
    await save_turn_by_turn(ours, "kept", session(1, 1000))
    tracker = await ours.retrieve("erased")
    assert tracker is not None
    for event in (
        UserUttered("delete my data", {"name": "delete_my_data", "confidence": 0.99}),
        ActionExecuted(ERASE_ACTION),
        BotUttered("Done: I've deleted this conversation"),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)
    await ours.save(tracker)
    assert rows(ours, "erased") == [] and await ours.retrieve("erased") is None
    assert len(rows(ours, "kept")) == len(session(1, 1000))
