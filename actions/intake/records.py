"""The intake record of an appointment: register the appointment, keep the one intake its
patient gave, and erase it on request or when the retention time has passed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from actions.intake.schema import Appointment, IntakeAnswer, IntakeRecord
from actions.knowledge.database import engine as default_engine

REF_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,63}")
"""What a clinic's appointment reference may look like: it travels in links and commands."""
FLAGGED_LEVELS = ("emergency", "urgent")


class IntakeError(ValueError):
    """An intake the clinic did not ask for: a malformed or unregistered reference."""


@dataclass(frozen=True)
class Intake:
    ref: str
    starts_at: datetime
    status: str
    triage_level: str | None
    flagged: bool
    slots: dict[str, Any]
    answers: dict[str, Any]
    updated_at: datetime


def valid_ref(ref: str) -> bool:
    return isinstance(ref, str) and REF_PATTERN.fullmatch(ref) is not None


@dataclass(frozen=True)
class Purged:
    appointments: int
    conversations: tuple[str, ...]
    """The conversations that gave the purged intakes."""


class IntakeRecords:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def default(cls) -> IntakeRecords:
        return cls(default_engine())

    def register_appointment(
        self, ref: str, starts_at: datetime, now: datetime | None = None
    ) -> None:
        """Register (or move) an appointment, so that an intake can be started for it."""
        if not valid_ref(ref):
            raise IntakeError(f"not an appointment reference: {ref!r}")
        with Session(self.engine, future=True) as session, session.begin():
            appointment = session.get(Appointment, ref)
            if appointment is None:
                session.add(
                    Appointment(ref=ref, starts_at=_utc(starts_at), registered_at=_now(now))
                )
            else:
                appointment.starts_at = _utc(starts_at)

    def starts_at(self, ref: str) -> datetime | None:
        """When the appointment starts; None for a reference the clinic did not register."""
        if not valid_ref(ref):
            return None
        with Session(self.engine, future=True) as session:
            appointment = session.get(Appointment, ref)
            return _utc(appointment.starts_at) if appointment else None

    def save(
        self,
        ref: str,
        conversation_id: str,
        slots: Mapping[str, Any],
        answers: Mapping[str, Any],
        completed: bool,
        now: datetime | None = None,
    ) -> datetime:
        """Create or update the appointment's one intake with what the conversation holds;
        returns when the appointment starts."""
        now = _now(now)
        with Session(self.engine, future=True) as session, session.begin():
            appointment = session.get(Appointment, ref) if valid_ref(ref) else None
            if appointment is None:
                raise IntakeError(f"no appointment registered as {ref!r}")
            record = appointment.record
            if record is None:
                record = IntakeRecord(conversation_id=conversation_id, consented_at=now)
                appointment.record = record
            level = slots.get("triage_level")
            record.conversation_id = conversation_id
            record.status = "completed" if completed else "in_progress"
            record.updated_at = now
            record.triage_level = level
            record.flagged = level in FLAGGED_LEVELS
            record.slots = dict(slots)
            stored = {answer.code: answer for answer in record.answers}
            for code, value in answers.items():
                if value is None:
                    continue
                if code in stored:
                    stored[code].value = value
                else:
                    record.answers.append(IntakeAnswer(code=code, value=value))
            return _utc(appointment.starts_at)

    def find(self, ref: str) -> Intake | None:
        if not valid_ref(ref):
            return None
        with Session(self.engine, future=True) as session:
            record = session.scalars(
                self._intakes().where(IntakeRecord.appointment_ref == ref)
            ).first()
            return _intake(record) if record else None

    def upcoming(self, since: datetime) -> list[Intake]:
        """Intakes of appointments from `since` on: flagged ones first, then by start time."""
        with Session(self.engine, future=True) as session:
            records = session.scalars(
                self._intakes().where(Appointment.starts_at >= _utc(since))
            ).all()
            intakes = [_intake(record) for record in records]
        return sorted(intakes, key=lambda i: (not i.flagged, i.starts_at, i.ref))

    def erase(self, ref: str) -> str | None:
        """Delete an appointment's intake and its answers; the appointment stays registered.
        The conversation that gave the intake (to erase it too), or None without an intake."""
        with Session(self.engine, future=True) as session, session.begin():
            appointment = session.get(Appointment, ref) if valid_ref(ref) else None
            if appointment is None or appointment.record is None:
                return None
            conversation = appointment.record.conversation_id
            session.delete(appointment.record)
            return conversation

    def erase_conversation(self, conversation_id: str) -> int:
        """ "Delete my data": every intake the conversation gave."""
        with Session(self.engine, future=True) as session, session.begin():
            records = session.scalars(
                select(IntakeRecord).where(IntakeRecord.conversation_id == conversation_id)
            ).all()
            for record in records:
                session.delete(record)
            return len(records)

    def purge(self, older_than: timedelta, now: datetime | None = None) -> Purged:
        """Delete appointments that started more than `older_than` ago, with their intakes;
        what they were, with the conversations that gave the intakes (to erase them too)."""
        cutoff = _now(now) - older_than
        with Session(self.engine, future=True) as session, session.begin():
            old = session.scalars(select(Appointment).where(Appointment.starts_at < cutoff)).all()
            conversations = tuple(a.record.conversation_id for a in old if a.record is not None)
            for appointment in old:
                session.delete(appointment)
            return Purged(len(old), conversations)

    @staticmethod
    def _intakes():
        return (
            select(IntakeRecord)
            .join(Appointment)
            .options(selectinload(IntakeRecord.answers), selectinload(IntakeRecord.appointment))
        )


def _intake(record: IntakeRecord) -> Intake:
    return Intake(
        ref=record.appointment_ref,
        starts_at=_utc(record.appointment.starts_at),
        status=record.status,
        triage_level=record.triage_level,
        flagged=record.flagged,
        slots=dict(record.slots),
        answers={answer.code: answer.value for answer in record.answers},
        updated_at=_utc(record.updated_at),
    )


def _now(now: datetime | None) -> datetime:
    return _utc(now or datetime.now(timezone.utc))


def _utc(moment: datetime) -> datetime:
    """SQLite gives datetimes back without their zone; everything here is stored in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
