"""The conversations the Rasa server stores, as rows of Rasa's `events` table (one per
event, by `sender_id`): erased whole when the person asks, from the tracker store in a
turn or from the command line. Only SQLAlchemy: the `knotbot` commands import this
without Rasa."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

EVENTS_TABLE = "events"  # Rasa's SQLTrackerStore keeps every event in this one table


def delete_conversation(connection: Connection, events: sa.Table, sender_id: str) -> int:
    """Every event of every session of the conversation; the number deleted. SQLite
    overwrites what it deletes (secure_delete), so no freed page of the file keeps what
    the person typed; PostgreSQL's deleted rows are gone from every query."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
    return connection.execute(events.delete().where(events.c.sender_id == sender_id)).rowcount


def erase_conversation(database: Engine, sender_id: str) -> int:
    """As "delete my data" erases it, outside the Rasa server."""
    if not sa.inspect(database).has_table(EVENTS_TABLE):
        return 0  # the Rasa server has not stored a conversation yet
    events = sa.Table(EVENTS_TABLE, sa.MetaData(), autoload_with=database)
    with database.begin() as connection:
        return delete_conversation(connection, events, sender_id)
