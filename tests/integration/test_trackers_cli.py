"""`knotbot trackers purge`: conversations past the retention leave the tracker store whole;
the others stay as they were. On SQLite and PostgreSQL, through Rasa's own store."""

from __future__ import annotations

import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.server.stores import DatabaseTrackerStore
from tests.unit.test_cli import knotbot

DAY = 86400


def conversation(sender: str, *days_ago: float) -> DialogueStateTracker:
    now = time.time()
    events = []
    for ago in days_ago:
        events += [
            ActionExecuted("action_listen", timestamp=now - ago * DAY),
            UserUttered("a knot in my left calf", timestamp=now - ago * DAY),
        ]
    return DialogueStateTracker.from_events(sender, events)


async def test_purge_deletes_whole_conversations_past_the_retention(empty_database, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", empty_database)
    store = DatabaseTrackerStore(domain=Domain.empty())
    for tracker in (
        conversation("old-1", 40),
        conversation("old-2", 31),
        conversation("still-talking", 45, 1),  # started long ago, but active yesterday
        conversation("recent", 2),
    ):
        await store.save(tracker)

    result = knotbot("trackers", "--database-url", empty_database, "purge", "--older-than", "30d")

    assert result.returncode == 0, result.stderr
    assert "Deleted 2 conversation(s)" in result.stdout
    assert await store.retrieve("old-1") is None and await store.retrieve("old-2") is None
    kept = await store.retrieve("still-talking")
    assert len([e for e in kept.events if isinstance(e, UserUttered)]) == 2
    assert await store.retrieve("recent") is not None


def test_purge_with_no_conversation_stored_yet_says_so(empty_database):
    result = knotbot("trackers", "--database-url", empty_database, "purge", "--older-than", "1d")
    assert result.returncode == 0, result.stderr
    assert "Deleted 0 conversation(s)" in result.stdout


def test_a_retention_that_is_not_an_age_is_explained(empty_database):
    result = knotbot("trackers", "--database-url", empty_database, "purge", "--older-than", "soon")
    assert result.returncode != 0 and "is not an age like 30d" in result.stderr
