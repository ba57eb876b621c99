"""The knowledge base: regions, muscles, trigger points, referrals, causes, techniques.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_region",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("label", sa.String(120), nullable=False),
    )
    op.create_table(
        "kb_muscle",
        sa.Column("code", sa.String(60), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("symptoms", sa.JSON(), nullable=False),
        sa.Column("cautions", sa.JSON(), nullable=False),
        sa.Column("mimics", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("disagreement", sa.Text()),
    )
    op.create_table(
        "kb_trigger_point",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("muscle_code", sa.String(60), sa.ForeignKey("kb_muscle.code"), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
    )
    op.create_index("ix_kb_trigger_point_muscle_code", "kb_trigger_point", ["muscle_code"])
    op.create_table(
        "kb_referral",
        sa.Column("muscle_code", sa.String(60), sa.ForeignKey("kb_muscle.code"), primary_key=True),
        sa.Column("region_code", sa.String(40), sa.ForeignKey("kb_region.code"), primary_key=True),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("rank", sa.Integer()),
    )
    op.create_index("ix_kb_referral_region_code", "kb_referral", ["region_code"])
    op.create_table(
        "kb_activating_cause",
        sa.Column("muscle_code", sa.String(60), sa.ForeignKey("kb_muscle.code"), primary_key=True),
        sa.Column("cause", sa.String(20), primary_key=True),
        sa.Column("activities", sa.JSON(), nullable=False),
    )
    op.create_table(
        "kb_technique",
        sa.Column("muscle_code", sa.String(60), sa.ForeignKey("kb_muscle.code"), primary_key=True),
        sa.Column("pressure", sa.Text(), nullable=False),
        sa.Column("stretch", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("kb_technique")
    op.drop_table("kb_activating_cause")
    op.drop_index("ix_kb_referral_region_code", "kb_referral")
    op.drop_table("kb_referral")
    op.drop_index("ix_kb_trigger_point_muscle_code", "kb_trigger_point")
    op.drop_table("kb_trigger_point")
    op.drop_table("kb_muscle")
    op.drop_table("kb_region")
