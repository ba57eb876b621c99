"""Server-side staff sessions. The cookie holds a random token; the table holds its SHA-256,
the account, the form token (CSRF) and when the session started and was last used. A session
ends after `idle` without a request or `limit` after it started, whichever is first, and at
once when its row is deleted: logout, or a change of the account (accounts.py)."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.web.staff.accounts import Account, Clock, account_from, as_utc
from bot.web.staff.schema import StaffAccount, StaffSession


def session_times() -> tuple[timedelta, timedelta]:
    """How long a session lasts without a request, and at most: KNOTBOT_STAFF_IDLE_MINUTES
    (30) and KNOTBOT_STAFF_SESSION_HOURS (12)."""
    idle = _whole(os.environ.get("KNOTBOT_STAFF_IDLE_MINUTES"), 30, "KNOTBOT_STAFF_IDLE_MINUTES")
    limit = _whole(os.environ.get("KNOTBOT_STAFF_SESSION_HOURS"), 12, "KNOTBOT_STAFF_SESSION_HOURS")
    return timedelta(minutes=idle), timedelta(hours=limit)


def _whole(value: str | None, default: int, name: str) -> int:
    if value is None or not value.strip():
        return default
    if not value.strip().isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number above 0, like {default}, not {value!r}")
    return int(value)


@dataclass(frozen=True)
class SignedIn:
    account: Account
    csrf_token: str
    """What every form of this session must send back."""
    cookie: str


@dataclass(frozen=True)
class Opened:
    cookie: str
    csrf_token: str


class StaffSessions:
    def __init__(self, engine: Engine, clock: Clock, idle: timedelta, limit: timedelta) -> None:
        self.engine = engine
        self.clock = clock
        self.idle = idle
        self.limit = limit

    def open(self, account: Account) -> Opened:
        cookie = secrets.token_urlsafe(32)
        csrf_token = secrets.token_urlsafe(32)
        now = self.clock()
        with Session(self.engine, future=True) as session, session.begin():
            # sessions nobody came back to: gone, not only refused
            session.execute(
                delete(StaffSession).where(
                    or_(
                        StaffSession.seen_at <= now - self.idle,
                        StaffSession.started_at <= now - self.limit,
                    )
                )
            )
            session.add(
                StaffSession(
                    token_hash=_hash(cookie),
                    account_id=account.id,
                    csrf_token=csrf_token,
                    started_at=now,
                    seen_at=now,
                )
            )
        return Opened(cookie, csrf_token)

    def find(self, cookie: str | None) -> SignedIn | None:
        """The live session of this cookie, now used again; None when there is none, it has
        expired (and is then deleted), or its account is disabled."""
        if not cookie or len(cookie) > 100:
            return None
        now = self.clock()
        with Session(self.engine, future=True) as session, session.begin():
            row = session.get(StaffSession, _hash(cookie))
            if row is None:
                return None
            account = session.get(StaffAccount, row.account_id)
            expired = (
                now - as_utc(row.seen_at) >= self.idle or now - as_utc(row.started_at) >= self.limit
            )
            if expired or account is None or not account.active:
                session.delete(row)
                return None
            row.seen_at = now
            return SignedIn(account_from(account), row.csrf_token, cookie)

    def close(self, cookie: str) -> None:
        with Session(self.engine, future=True) as session, session.begin():
            session.execute(delete(StaffSession).where(StaffSession.token_hash == _hash(cookie)))


def _hash(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()
