"""Staff accounts: one per person, with a role, an argon2 password hash, and whether it is
still active. Disabling an account or setting its password ends its sessions in the same
transaction, so a copied cookie stops working at once on every replica."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.web.staff.schema import ROLES, StaffAccount, StaffSession

Clock = Callable[[], datetime]
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
PASSWORD_LENGTHS = (12, 256)
"""Long enough to resist guessing; short enough that hashing one is no denial of service."""

hasher = PasswordHasher()
# verified against when the username is unknown, so that a wrong name takes as long as a
# wrong password and the timing does not tell which names exist
NOBODY = hasher.hash("no such account, only here to spend the time a real check takes")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class AccountError(ValueError):
    """What an admin asked for cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    name: str
    role: str
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def password_problem(password: str) -> str | None:
    shortest, longest = PASSWORD_LENGTHS
    if len(password.strip()) < shortest:
        return f"A password needs at least {shortest} characters."
    if len(password) > longest:
        return f"A password can have at most {longest} characters."
    return None


class StaffAccounts:
    def __init__(self, engine: Engine, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def add(self, username: str, name: str, role: str, password: str) -> Account:
        username = username.strip().lower()
        if not USERNAME.fullmatch(username):
            raise AccountError(
                f"{username!r} is not a username: use 2 to 64 lowercase letters, digits, "
                "'.', '_' or '-', starting with a letter or digit."
            )
        if role not in ROLES:
            raise AccountError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
        if not name.strip() or len(name) > 120:
            raise AccountError("Give the person's name, up to 120 characters.")
        if problem := password_problem(password):
            raise AccountError(problem)
        with Session(self.engine, future=True) as session, session.begin():
            if session.scalar(select(StaffAccount).where(StaffAccount.username == username)):
                raise AccountError(f"There is already an account {username!r}.")
            account = StaffAccount(
                username=username,
                name=name.strip(),
                role=role,
                password_hash=hasher.hash(password),
                active=True,
                created_at=self.clock(),
            )
            session.add(account)
            session.flush()
            return account_from(account)

    def all(self) -> list[Account]:
        with Session(self.engine, future=True) as session:
            rows = session.scalars(select(StaffAccount).order_by(StaffAccount.username))
            return [account_from(row) for row in rows]

    def find(self, username: str) -> Account | None:
        with Session(self.engine, future=True) as session:
            row = self._row(session, username)
            return account_from(row) if row else None

    def any(self) -> bool:
        with Session(self.engine, future=True) as session:
            return session.scalar(select(StaffAccount.id).limit(1)) is not None

    def verify(self, username: str, password: str) -> Account | None:
        """The active account whose password this is, else None."""
        with Session(self.engine, future=True) as session, session.begin():
            row = self._row(session, username)
            if row is None or not row.active:
                _matches(NOBODY, password)
                return None
            if not _matches(row.password_hash, password):
                return None
            if hasher.check_needs_rehash(row.password_hash):
                row.password_hash = hasher.hash(password)
            row.last_login_at = self.clock()
            return account_from(row)

    def disable(self, username: str) -> Account:
        return self._change(username, active=False)

    def enable(self, username: str) -> Account:
        return self._change(username, active=True)

    def set_password(self, username: str, password: str) -> Account:
        if problem := password_problem(password):
            raise AccountError(problem)
        return self._change(username, password_hash=hasher.hash(password))

    def _change(self, username: str, **values: object) -> Account:
        with Session(self.engine, future=True) as session, session.begin():
            row = self._row(session, username)
            if row is None:
                raise AccountError(f"There is no account {username!r}.")
            for name, value in values.items():
                setattr(row, name, value)
            # whatever changed, the sessions opened before it end now
            session.execute(delete(StaffSession).where(StaffSession.account_id == row.id))
            return account_from(row)

    @staticmethod
    def _row(session: Session, username: str) -> StaffAccount | None:
        name = (username or "").strip().lower()
        if not USERNAME.fullmatch(name):
            return None
        return session.scalar(select(StaffAccount).where(StaffAccount.username == name))


def _matches(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def account_from(row: StaffAccount) -> Account:
    return Account(
        id=row.id,
        username=row.username,
        name=row.name,
        role=row.role,
        active=row.active,
        created_at=as_utc(row.created_at),
        last_login_at=as_utc(row.last_login_at) if row.last_login_at else None,
    )


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
