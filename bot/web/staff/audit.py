"""The audit trail: who signed in or was refused, opened, printed, exported or erased which
intake, and changed which account, when and from where. Rows are only ever added (the
database refuses anything else), and they never hold health content."""

from __future__ import annotations

import csv
import getpass
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import TextIO

from sanic.request import Request
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.web.staff.accounts import Clock, as_utc, utc_now
from bot.web.staff.schema import AuditEntry

ACTIONS = {
    "login": "Signed in",
    "logout": "Signed out",
    "intake_list": "Listed the intakes",
    "intake_view": "Opened an intake",
    "intake_print": "Opened the printable copy",
    "fhir_export": "Exported as FHIR",
    "intake_erase": "Erased an intake",
    "account_add": "Added an account",
    "account_disable": "Disabled an account",
    "account_enable": "Enabled an account",
    "password_set": "Set a password",
    "audit_view": "Read the audit trail",
    "audit_export": "Exported the audit trail",
    "csrf": "Sent a form without its token",
    "admin_page": "Opened an admin's page",
}
"""Every action the trail records, with the words the admin page shows."""
CLINIC_TOKEN = "clinic token"
NO_TOKEN = "API without a token"
"""The actor of an API call when no clinic token is set (the web app is then on loopback)."""
COMMAND_LINE = "command line"
UNKNOWN_ACCOUNT = "unknown account"
"""The actor of a refused sign-in with a name no account has: what was typed is not kept,
as it is sometimes a password typed in the wrong field."""


def client_address(request: Request) -> str:
    """Where a web request came from, as the trail records it: the client's address through
    the proxies Sanic is told of (SANIC_PROXIES_COUNT), else the peer's."""
    return str(request.remote_addr or request.ip or "unknown")


def command_line_actor() -> str:
    """Who ran a `knotbot` command: the server's login name (staff have no account there)."""
    return f"{COMMAND_LINE}: {getpass.getuser()}"


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    action: str
    subject: str | None
    source: str
    outcome: str
    reason: str | None

    @property
    def what(self) -> str:
        return ACTIONS.get(self.action, self.action)


class AuditTrail:
    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def record(
        self,
        actor: str,
        action: str,
        source: str,
        subject: str | None = None,
        refused: str | None = None,
    ) -> None:
        """`refused` says why it was refused; None when it was done."""
        if action not in ACTIONS:
            raise ValueError(f"not an audited action: {action!r}")
        with Session(self.engine, future=True) as session, session.begin():
            session.add(
                AuditEntry(
                    at=self.clock(),
                    actor=actor[:80],
                    action=action,
                    subject=subject[:64] if subject else None,
                    source=source[:64],
                    outcome="refused" if refused else "ok",
                    reason=refused,
                )
            )

    def entries(self, since: datetime | None = None, limit: int | None = None) -> list[Entry]:
        """Newest first."""
        query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        if since is not None:
            query = query.where(AuditEntry.at >= since)
        if limit is not None:
            query = query.limit(limit)
        with Session(self.engine, future=True) as session:
            return [_entry(row) for row in session.scalars(query)]

    def refused_logins(
        self, since: datetime, actor: str | None = None, source: str | None = None
    ) -> int:
        """How many sign-ins were refused since then, for this username or from this address."""
        query = select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "login", AuditEntry.outcome == "refused", AuditEntry.at >= since
        )
        if actor is not None:
            query = query.where(AuditEntry.actor == actor)
        if source is not None:
            query = query.where(AuditEntry.source == source)
        with Session(self.engine, future=True) as session:
            return session.scalar(query) or 0

    def last(self, action: str, subject: str) -> datetime | None:
        """When this was last done to this subject."""
        query = select(func.max(AuditEntry.at)).where(
            AuditEntry.action == action, AuditEntry.subject == subject, AuditEntry.outcome == "ok"
        )
        with Session(self.engine, future=True) as session:
            moment = session.scalar(query)
            return as_utc(moment) if moment else None


def write_csv(entries: Iterable[Entry], stream: TextIO) -> None:
    writer = csv.writer(stream)
    writer.writerow([field.name for field in fields(Entry)])
    for entry in entries:
        row = list(astuple(entry))
        row[0] = entry.at.isoformat()
        # a cell starting with = + - @ is a formula to a spreadsheet: quote it as text
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])


def _entry(row: AuditEntry) -> Entry:
    return Entry(
        at=as_utc(row.at),
        actor=row.actor,
        action=row.action,
        subject=row.subject,
        source=row.source,
        outcome=row.outcome,
        reason=row.reason,
    )
