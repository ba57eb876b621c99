"""Signing in: the password checked, the attempt recorded, and sign-ins refused for a while
after repeated failures. The failures are counted in the audit trail, so the limit holds
across web app replicas and restarts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.web.staff.accounts import StaffAccounts
from bot.web.staff.audit import UNKNOWN_ACCOUNT, AuditTrail
from bot.web.staff.sessions import Opened, StaffSessions

WINDOW = timedelta(minutes=15)
MOST_FAILURES_PER_ACCOUNT = 5
MOST_FAILURES_PER_ADDRESS = 20
"""One address is often a whole clinic behind one router: a higher limit than an account's."""


@dataclass(frozen=True)
class Refused:
    message: str


WRONG = Refused("That username and password do not match an active account. Please try again.")
LOCKED = Refused(
    f"Too many failed sign-ins. Wait {int(WINDOW.total_seconds() // 60)} minutes, or ask an "
    "admin to set a new password."
)


class SignIn:
    def __init__(self, accounts: StaffAccounts, sessions: StaffSessions, trail: AuditTrail) -> None:
        self.accounts = accounts
        self.sessions = sessions
        self.trail = trail

    def attempt(self, username: str, password: str, source: str) -> Opened | Refused:
        known = self.accounts.find(username)
        actor = known.username if known else UNKNOWN_ACCOUNT
        if self._locked(actor, source):
            self.trail.record(actor, "login", source, refused="too many failures")
            return LOCKED
        account = self.accounts.verify(username, password)
        if account is None:
            reason = "disabled" if known and not known.active else "wrong password"
            self.trail.record(actor, "login", source, refused=reason if known else "no account")
            return WRONG
        self.trail.record(account.username, "login", source)
        return self.sessions.open(account)

    def _locked(self, actor: str, source: str) -> bool:
        since = self.trail.clock() - WINDOW
        if self.trail.refused_logins(since, source=source) >= MOST_FAILURES_PER_ADDRESS:
            return True
        if actor == UNKNOWN_ACCOUNT:
            return False
        reset = self.trail.last("password_set", actor)
        if reset is not None and reset > since:
            since = reset  # a new password starts the count again
        return self.trail.refused_logins(since, actor=actor) >= MOST_FAILURES_PER_ACCOUNT
