"""Staff accounts, their sessions and the audit trail, in the intake records' database
(migration 0003), so that every web app replica sees a revoked session at once."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String

from actions.knowledge.schema import Base

ROLES = ("staff", "admin")
"""Staff read intakes; an admin also manages the accounts and reads the audit trail."""


class StaffAccount(Base):
    __tablename__ = "staff_account"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(64), nullable=False, unique=True)
    name = Column(String(120), nullable=False)
    role = Column(String(10), nullable=False)
    password_hash = Column(String(255), nullable=False)
    """argon2id, with its parameters and salt (the PHC string argon2-cffi writes)."""
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    last_login_at = Column(DateTime(timezone=True))


class StaffSession(Base):
    __tablename__ = "staff_session"

    token_hash = Column(String(64), primary_key=True)
    """SHA-256 of the cookie's value: a copy of this table opens no session."""
    account_id = Column(
        ForeignKey("staff_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    csrf_token = Column(String(64), nullable=False)
    started_at = Column(DateTime(timezone=True), nullable=False)
    seen_at = Column(DateTime(timezone=True), nullable=False)


class AuditEntry(Base):
    """One access or change. Append-only: the database refuses to update or delete a row
    (migration 0003's triggers). Never health content: who, what, which reference, where."""

    __tablename__ = "audit_entry"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime(timezone=True), nullable=False, index=True)
    actor = Column(String(80), nullable=False, index=True)
    """A staff username, "clinic token" (the API) or "command line"."""
    action = Column(String(40), nullable=False)
    subject = Column(String(64))
    """The appointment reference, or the username of the account changed."""
    source = Column(String(64), nullable=False)
    """The client's address, or "command line"."""
    outcome = Column(String(10), nullable=False)
    """`ok` or `refused`."""
    reason = Column(String(80))
    """Why it was refused, in the trail's own words (never what was typed)."""
