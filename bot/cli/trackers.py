"""`knotbot trackers purge`: what people told the bot is health information, so the tracker
store keeps a conversation only for the retention time (KNOTBOT_TRACKER_RETENTION, 30 days
unless set), counted from its last event.

A conversation past it is deleted whole: deleting only its old events would leave a
tracker that Rasa replays without the turns that explain its slots.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import timedelta

from sqlalchemy import MetaData, Table, delete, func, inspect, select
from sqlalchemy.engine import Engine

from actions.intake.conversations import EVENTS_TABLE
from actions.knowledge.database import engine
from actions.settings import tracker_database_url
from bot.cli.intake import age

BATCH = 500


def add_commands(commands: argparse._SubParsersAction) -> None:
    trackers = commands.add_parser("trackers", help="the conversations the Rasa server keeps")
    trackers.add_argument("--database-url", help="SQLAlchemy URL (default: DATABASE_URL or SQLite)")
    actions = trackers.add_subparsers(dest="trackers_command", required=True)
    purge = actions.add_parser(
        "purge", help="delete the conversations whose last event is older than the retention"
    )
    purge.add_argument(
        "--older-than",
        type=age,
        default=age(os.environ.get("KNOTBOT_TRACKER_RETENTION") or "30d"),
        help="e.g. 30d, 12h or 4w (default: KNOTBOT_TRACKER_RETENTION, else 30d)",
    )


def run(args: argparse.Namespace, say) -> None:
    database = engine(tracker_database_url(args.database_url))
    count = purge_conversations(database, args.older_than)
    say(f"Deleted {count} conversation(s) with no event in the last {args.older_than}")


def purge_conversations(database: Engine, older_than: timedelta, now: float | None = None) -> int:
    if not inspect(database).has_table(EVENTS_TABLE):
        return 0  # the Rasa server has not stored a conversation yet
    events = Table(EVENTS_TABLE, MetaData(), autoload_with=database)
    cutoff = (now if now is not None else time.time()) - older_than.total_seconds()
    stale = (
        select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(func.max(events.c.timestamp) < cutoff)
    )
    with database.begin() as connection:
        senders = connection.execute(stale).scalars().all()
        for start in range(0, len(senders), BATCH):
            batch = senders[start : start + BATCH]
            connection.execute(delete(events).where(events.c.sender_id.in_(batch)))
    return len(senders)
