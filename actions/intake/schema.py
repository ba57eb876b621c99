"""Clinic intake records: the appointments a clinic registers, and for each one at most one
intake (the triage result and the intake answers) that its staff read before the visit.

Same database and migration history as the knowledge base (actions/knowledge/migrations,
revision 0002).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from actions.knowledge.schema import Base


class Appointment(Base):
    __tablename__ = "intake_appointment"

    ref = Column(String(64), primary_key=True)
    starts_at = Column(DateTime(timezone=True), nullable=False, index=True)
    registered_at = Column(DateTime(timezone=True), nullable=False)

    record = relationship(
        "IntakeRecord", back_populates="appointment", uselist=False, cascade="all, delete-orphan"
    )


class IntakeRecord(Base):
    __tablename__ = "intake_record"

    id = Column(Integer, primary_key=True, autoincrement=True)
    appointment_ref = Column(
        ForeignKey("intake_appointment.ref", ondelete="CASCADE"), nullable=False, unique=True
    )
    conversation_id = Column(String(128), nullable=False, index=True)
    """The conversation it came from, so "delete my data" finds it."""
    status = Column(String(20), nullable=False)
    """`in_progress` until the last intake question is answered, then `completed`."""
    consented_at = Column(DateTime(timezone=True), nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False)
    triage_level = Column(String(20))
    flagged = Column(Boolean, nullable=False, default=False)
    """An `emergency` or `urgent` result: staff see it first."""
    slots = Column(JSON, nullable=False, default=dict)
    """The contract's triage slots, as the conversation left them."""

    appointment = relationship("Appointment", back_populates="record")
    answers = relationship("IntakeAnswer", back_populates="record", cascade="all, delete-orphan")


class IntakeAnswer(Base):
    __tablename__ = "intake_answer"
    __table_args__ = (UniqueConstraint("record_id", "code"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    record_id = Column(ForeignKey("intake_record.id", ondelete="CASCADE"), nullable=False)
    code = Column(String(60), nullable=False)
    """The questionnaire item's code (data/intake/questionnaire.yml)."""
    value = Column(JSON, nullable=False)

    record = relationship("IntakeRecord", back_populates="answers")
