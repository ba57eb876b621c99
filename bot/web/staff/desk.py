"""What the staff pages and `knotbot staff` work with, made once from the database and a
clock: the accounts, their sessions, the audit trail and signing in. Tests pass a clock of
their own to see sessions expire without waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Engine

from bot.web.staff.accounts import Clock, StaffAccounts, utc_now
from bot.web.staff.audit import AuditTrail
from bot.web.staff.sessions import StaffSessions, session_times
from bot.web.staff.signin import SignIn


@dataclass(frozen=True)
class StaffDesk:
    accounts: StaffAccounts
    sessions: StaffSessions
    trail: AuditTrail
    sign_in: SignIn

    @classmethod
    def on(
        cls,
        database: Engine,
        clock: Clock = utc_now,
        idle: timedelta | None = None,
        limit: timedelta | None = None,
    ) -> StaffDesk:
        """Sessions last as the environment says (sessions.session_times) unless told."""
        configured_idle, configured_limit = session_times()
        accounts = StaffAccounts(database, clock)
        sessions = StaffSessions(
            database, clock, idle or configured_idle, limit or configured_limit
        )
        trail = AuditTrail(database, clock)
        return cls(accounts, sessions, trail, SignIn(accounts, sessions, trail))
