"""The knowledge base schema: regions, muscles, their referral patterns, causes and self-care.

SQLAlchemy 1.4 in 2.0 style (queries with `select()` on `future=True` engines).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Region(Base):
    __tablename__ = "kb_region"

    code = Column(String(40), primary_key=True)
    label = Column(String(120), nullable=False)


class Muscle(Base):
    __tablename__ = "kb_muscle"

    code = Column(String(60), primary_key=True)
    name = Column(String(120), nullable=False)
    location = Column(Text, nullable=False)
    """Where its trigger points are, as a landmark a lay person can find."""
    pressure = Column(Text, nullable=False)
    stretch = Column(Text, nullable=False)
    symptoms = Column(JSON, nullable=False, default=list)
    cautions = Column(JSON, nullable=False, default=list)
    mimics = Column(JSON, nullable=False, default=list)
    source = Column(Text, nullable=False)
    disagreement = Column(Text)

    referrals = relationship("Referral", back_populates="muscle", cascade="all, delete-orphan")
    causes = relationship("ActivatingCause", back_populates="muscle", cascade="all, delete-orphan")


class Referral(Base):
    """A referral pattern: this muscle's trigger points send pain to this region."""

    __tablename__ = "kb_referral"

    muscle_code = Column(ForeignKey("kb_muscle.code"), primary_key=True)
    region_code = Column(ForeignKey("kb_region.code"), primary_key=True)
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
