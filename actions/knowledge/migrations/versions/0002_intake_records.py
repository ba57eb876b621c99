"""Clinic intake: appointments, intake records and their answers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_appointment",
        sa.Column("ref", sa.String(64), primary_key=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "intake_record",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "appointment_ref",
            sa.String(64),
            sa.ForeignKey("intake_appointment.ref", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("conversation_id", sa.String(128), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("triage_level", sa.String(20)),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
    )
    op.create_table(
        "intake_answer",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "record_id",
            sa.Integer(),
            sa.ForeignKey("intake_record.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("code", sa.String(60), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.UniqueConstraint("record_id", "code"),
    )


def downgrade() -> None:
    op.drop_table("intake_answer")
    op.drop_table("intake_record")
    op.drop_table("intake_appointment")
