"""The conversations the Rasa server stores, as rows of Rasa's `events` table (one per
event, by `sender_id`): erased whole when the person asks, by the tracker store in a
turn, or by the command line or a staff page with the intake. Only SQLAlchemy: the
`knotbot` commands and the web app import this without Rasa."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from actions.intake.records import IntakeRecords

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


def erase_intake(records: IntakeRecords, conversations: Engine, ref: str) -> int | None:
    """Staff's or the command line's erase: the intake, its answers and the conversation
    that gave it. The number of events deleted, or None when `ref` has no intake."""
    conversation = records.erase(ref)
    if conversation is None:
        return None
    return erase_conversation(conversations, conversation)
