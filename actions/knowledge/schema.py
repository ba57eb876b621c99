"""The knowledge base schema: regions, muscles, their trigger points, referral patterns,
activating causes and self-care techniques.

SQLAlchemy 1.4 in 2.0 style (`future=True` engines, `select()`); Alembic migrations in
actions/knowledge/migrations create it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

# SQLAlchemy 1.4 has no types: annotated, its declarative base can be a base class for mypy
Base: Any = declarative_base()


class Region(Base):
    __tablename__ = "kb_region"

    code = Column(String(40), primary_key=True)
    label = Column(String(120), nullable=False)


class Muscle(Base):
    __tablename__ = "kb_muscle"

    code = Column(String(60), primary_key=True)
    name = Column(String(120), nullable=False)
    symptoms = Column(JSON, nullable=False, default=list)
    """Symptoms besides pain it is known for (numbness, dizziness, ...)."""
    cautions = Column(JSON, nullable=False, default=list)
    mimics = Column(JSON, nullable=False, default=list)
    """Conditions that feel like it and need a doctor."""
    source = Column(Text, nullable=False)
    disagreement = Column(Text)
    """Where the sources disagree, and how."""

    trigger_points = relationship(
        "TriggerPoint", back_populates="muscle", cascade="all, delete-orphan"
    )
    referrals = relationship("Referral", back_populates="muscle", cascade="all, delete-orphan")
    causes = relationship("ActivatingCause", back_populates="muscle", cascade="all, delete-orphan")
    technique = relationship(
        "Technique", back_populates="muscle", uselist=False, cascade="all, delete-orphan"
    )


class TriggerPoint(Base):
    """Where a muscle's trigger points are, as a landmark a lay person can find."""

    __tablename__ = "kb_trigger_point"

    id = Column(Integer, primary_key=True, autoincrement=True)
    muscle_code = Column(ForeignKey("kb_muscle.code"), nullable=False, index=True)
    location = Column(Text, nullable=False)

    muscle = relationship("Muscle", back_populates="trigger_points")


class Referral(Base):
    """A referral pattern: this muscle's trigger points send pain to this region."""

    __tablename__ = "kb_referral"

    muscle_code = Column(ForeignKey("kb_muscle.code"), primary_key=True)
    region_code = Column(ForeignKey("kb_region.code"), primary_key=True, index=True)
    role = Column(String(10), nullable=False)
    """primary (an essential zone) or secondary (spillover)."""
    rank = Column(Integer)
    """Order among the region's muscles in the references (1 = most common)."""

    muscle = relationship("Muscle", back_populates="referrals")


class ActivatingCause(Base):
    """A kind of cause (posture, overuse, ...) that often activates the muscle, and how."""

    __tablename__ = "kb_activating_cause"

    muscle_code = Column(ForeignKey("kb_muscle.code"), primary_key=True)
    cause = Column(String(20), primary_key=True)
    activities = Column(JSON, nullable=False, default=list)

    muscle = relationship("Muscle", back_populates="causes")


class Technique(Base):
    """Self-care: pressure on the trigger point, then a stretch through the full range."""

    __tablename__ = "kb_technique"

    muscle_code = Column(ForeignKey("kb_muscle.code"), primary_key=True)
    pressure = Column(Text, nullable=False)
    stretch = Column(Text, nullable=False)

    muscle = relationship("Muscle", back_populates="technique")
