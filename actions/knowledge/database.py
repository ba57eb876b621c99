"""The engine of KnotBot's database (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from actions.settings import database_url


def engine(url: str | None = None) -> Engine:
    """The engine for `url`, or for DATABASE_URL as it is now; one per URL per process."""
    return _engine(url or database_url())


@cache
def _engine(url: str) -> Engine:
    made = create_engine(url, future=True, pool_pre_ping=True)
    if made.dialect.name == "sqlite":
        # what is deleted (an intake erased, a record purged) is overwritten in the file
        event.listen(made, "connect", _secure_delete)
    return made


def _secure_delete(connection: Any, _: Any) -> None:
    connection.execute("PRAGMA secure_delete = ON")
