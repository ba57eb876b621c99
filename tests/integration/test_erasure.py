"""'Delete my data' leaves no word the person typed anywhere KnotBot stores data: not in the
tracker API, not in any table, not in the bytes of the SQLite files (on the session's
servers, SQLite); PostgreSQL across two replicas is in test_state.py."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import requests
from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import make_url

from actions.settings import tracker_database_url
from tests.conftest import texts


def new_marker() -> str:
    """A word nobody else says: a name, as a person would give it."""
    return f"Zorvakian{uuid.uuid4().hex[:10]}"


def rows_saying(url: str, marker: str) -> list[str]:
    """Every row of every table of the database at `url` that holds the marker."""
    database = create_engine(url, future=True)
    tables = MetaData()
    tables.reflect(database)
    found = []
    with database.connect() as connection:
        for table in tables.sorted_tables:
            for row in connection.execute(select(table)):
                if marker in str(tuple(row)):
                    found.append(f"{table.name}: {str(tuple(row))[:120]}")
    database.dispose()
    return found


def sqlite_files_saying(url: str, marker: str) -> list[str]:
    """The SQLite file of `url`, its journal and write-ahead log, that hold the marker's bytes."""
    path = Path(make_url(url).database or "")
    files = [path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal")]
    return [str(f) for f in files if f.exists() and marker.encode() in f.read_bytes()]


def full_tracker(url: str, sender: str) -> str:
    reply = requests.get(
        f"{url}/conversations/{sender}/tracker", params={"include_events": "ALL"}, timeout=30
    )
    reply.raise_for_status()
    return reply.text


def test_delete_my_data_leaves_no_typed_word_in_the_api_the_tables_or_the_sqlite_files(bot, kb_url):
    marker = new_marker()
    sender, _ = bot.talk(f"hi, I'm {marker}, I have a knot between my shoulder blades", "no")
    trackers = tracker_database_url(kb_url)
    # what the test looks for is there before: the check can fail
    assert marker in full_tracker(bot.url, sender)
    assert rows_saying(trackers, marker) and sqlite_files_saying(trackers, marker)

    reply = texts(bot.send(sender, "please delete my data"))

    assert "deleted this conversation and everything you told me" in reply
    assert marker not in full_tracker(bot.url, sender)
    for url in (trackers, kb_url):
        assert rows_saying(url, marker) == []
        assert sqlite_files_saying(url, marker) == []


def test_after_delete_my_data_the_next_message_starts_a_new_conversation(bot):
    sender, _ = bot.talk("a knot in my left calf since my run", "no")
    bot.send(sender, "delete my data")
    assert bot.slots(sender)["pain_regions"] is None
    bot.send(sender, "my neck is stiff")
    events = json.loads(full_tracker(bot.url, sender))["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["my neck is stiff"]
    assert "calf" not in (bot.slots(sender)["pain_regions"] or [])
