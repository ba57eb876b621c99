"""Where the Rasa server keeps conversations, and how replicas take turns on one.

- Trackers go to SQL through SQLAlchemy: `DATABASE_URL`'s database (PostgreSQL in
  production, beside the knowledge base and the intake records), so a conversation
  survives a restart of the Rasa server mid-interview. With SQLite, the default, they get
  a file of their own beside the knowledge base's (`knotbot-trackers.db` next to
  `knotbot.db`; `actions.settings.tracker_database_url`).
- The lock store is Redis when `REDIS_URL` is set, so several Rasa replicas (and
  `SANIC_WORKERS` above 1) serve one conversation in turn; in memory otherwise.

Rasa's own SQL and Redis stores do the work. These classes only read their settings from
the environment variables the rest of KnotBot reads (endpoints.yml substitutes variables
but cannot choose a store by whether one is set).
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockStore, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import WatchError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from actions.intake.conversations import delete_conversation
from actions.intake.saving import ERASE_ACTION
from actions.settings import tracker_database_url
from bot.server.channels.faults import IN_TURN, ConversationStoreUnavailable

LOCK_KEY_PREFIX = "knotbot"  # Redis keys: knotbot:lock:<conversation>


class DatabaseTrackerStore(SQLTrackerStore):
    """Rasa's SQL tracker store on KnotBot's database (see the module's docstring).

    Conversations are read and written as Rasa's store does, on Rasa's table, but in
    SQLAlchemy Core rather than through the ORM, which built an object for each event
    read or written: the store was a fifth of the Rasa server's time under load, and
    about 15 % without the ORM (docs/performance.md). Rasa's own store reads what this
    one writes, and the other way round (tests/integration/test_stores.py).

    When the database fails, Rasa's fail-safe wrapper would start the conversation again
    and keep the turn in memory; in a channel's turn the turn is abandoned instead and
    the person told to try again (bot/server/channels/faults.py)."""

    def __init__(self, host: str | None = None, **kwargs: Any) -> None:
        url = tracker_database_url()
        # a full URL given as the host is used as it is (SQLTrackerStore.get_db_url)
        super().__init__(dialect=make_url(url).get_backend_name(), host=url, **kwargs)
        self.events = self.SQLEvent.__table__

    def _of_conversation(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Any:
        """Rasa's `_event_query` condition: the conversation's events since its latest
        session start (all of them when it has none), or of every session."""
        events = self.events
        condition = events.c.sender_id == sender_id
        if fetch_events_from_all_sessions:
            return condition
        session_start = (
            sa.select(sa.func.max(events.c.timestamp))
            .where(condition, events.c.type_name == SessionStarted.type_name)
            .scalar_subquery()
        )
        return sa.and_(
            condition, sa.or_(events.c.timestamp >= session_start, session_start.is_(None))
        )

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        query = (
            sa.select(self.events.c.data)
            .where(self._of_conversation(sender_id, fetch_events_from_all_sessions))
            .order_by(self.events.c.id)
        )
        with database_failure_named(), self.engine.connect() as connection:
            events = [json.loads(data) for data in connection.execute(query).scalars()]
        if not (self.domain and events):
            return None
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        stored = sa.select(sa.func.count()).where(self._of_conversation(tracker.sender_id, False))
        with database_failure_named(), self.engine.begin() as connection:
            # Rasa's rule: the tracker's events after as many as the session has stored
            new_events = list(
                itertools.islice(tracker.events, connection.execute(stored).scalar(), None)
            )
            if any(_erases(event) for event in new_events):
                delete_conversation(connection, self.events, tracker.sender_id)
                return
            rows = [self._row(tracker.sender_id, event) for event in new_events]
            if rows:
                connection.execute(self.events.insert(), rows)

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


def _erases(event: Event) -> bool:
    """ "Delete my data" ran in the turn (actions/intake_form.py's ActionDeleteMyData)."""
    return isinstance(event, ActionExecuted) and event.action_name == ERASE_ACTION


@contextmanager
def database_failure_named() -> Iterator[None]:
    """A database error, named by its type alone: SQLAlchemy's message holds the
    statement's parameters, the events with what the person typed, and Rasa logs it."""
    try:
        yield
    except SQLAlchemyError as error:
        problem = f"the conversation database failed ({type(error).__name__})"
        if IN_TURN.get():
            raise ConversationStoreUnavailable(problem) from None
        raise RuntimeError(problem) from None


class EnvironmentLockStore(LockStore):
    """Redis when REDIS_URL is set (redis:// or rediss://), in memory otherwise; every
    operation is the chosen store's."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        redis_url = os.environ.get("REDIS_URL")
        if redis_url:
            self.store: LockStore = AtomicRedisLockStore.from_url(redis_url)
        elif int(os.environ.get("SANIC_WORKERS") or 1) > 1:
            # Rasa would start the workers, each with a lock store of its own
            raise ValueError(
                "SANIC_WORKERS is above 1, but REDIS_URL is not set: several workers need a "
                "shared lock store, so set REDIS_URL (e.g. redis://127.0.0.1:6379/0) or use "
                "one worker"
            )
        else:
            self.store = InMemoryLockStore()

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return self.store.get_lock(conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        self.store.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.store.save_lock(lock)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return self.store.issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        self.store.update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self.store.cleanup(conversation_id, ticket_number)


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store with each change of a lock made in one Redis transaction.

    Rasa OSS reads a lock, changes it and writes it back in separate calls, so two replicas
    that take a ticket for one conversation at the same moment can both find no lock and
    both hold ticket 0, and then handle two messages at once (the concurrent Redis store is
    Rasa Pro's). Here each change runs under WATCH and is retried when another replica
    changed the lock in between.
    """

    @classmethod
    def from_url(cls, redis_url: str) -> AtomicRedisLockStore:
        url = urlsplit(redis_url)
        if url.scheme not in ("redis", "rediss") or not url.hostname:
            raise ValueError(f"REDIS_URL must look like redis://host:6379/0, not {redis_url!r}")
        return cls(
            host=url.hostname,
            port=url.port or 6379,
            db=int(url.path.strip("/") or 0),
            password=url.password,
            use_ssl=url.scheme == "rediss",
            key_prefix=LOCK_KEY_PREFIX,
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        issued: list[int] = []

        def issue(lock: TicketLock | None) -> TicketLock:
            lock = lock or self.create_lock(conversation_id)
            issued.append(lock.issue_ticket(lock_lifetime))
            return lock

        self._change(conversation_id, issue)
        return issued[-1]

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> TicketLock | None:
            if lock:
                lock.remove_expired_tickets()
            return lock

        self._change(conversation_id, expire)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> TicketLock | None:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock if lock and lock.is_someone_waiting() else None

        self._change(conversation_id, finish)

    def _change(
        self, conversation_id: str, change: Callable[[TicketLock | None], TicketLock | None]
    ) -> None:
        """Apply `change` to the stored lock atomically; None deletes it."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
                    pipe.multi()
                    if lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, lock.dumps())
                    pipe.execute()
                    return
                except WatchError:
                    continue  # another replica changed the lock first: read it again
