"""notices activities and participants

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 18:06:46.247285
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("community_path", sa.String(length=512), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("place", sa.String(length=200), server_default="", nullable=False),
        sa.Column("activity_type", sa.String(length=64), nullable=False),
        sa.Column("item_code", sa.String(length=64), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signup_closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("confirmed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_seq", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('open', 'running', 'completed', 'cancelled')",
            name=op.f("ck_activities_status_known"),
        ),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_activities_capacity_positive")),
        sa.CheckConstraint(
            "confirmed >= 0 AND confirmed <= capacity",
            name=op.f("ck_activities_confirmed_in_capacity"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_activities_ends_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
    )
    op.create_index(
        op.f("ix_activities_community_id"), "activities", ["community_id"], unique=False
    )
    op.create_table(
        "activity_participants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hours", sa.Numeric(precision=4, scale=1), nullable=True),
        sa.Column("marked_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('confirmed', 'waiting', 'cancelled', 'walk_in')",
            name=op.f("ck_activity_participants_status_known"),
        ),
        sa.CheckConstraint(
            "checked_out_at IS NULL OR checked_out_at >= checked_in_at",
            name=op.f("ck_activity_participants_out_after_in"),
        ),
        sa.CheckConstraint(
            "hours IS NULL OR (hours > 0 AND hours <= 24)",
            name=op.f("ck_activity_participants_hours_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_activity_participants_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_participants")),
        sa.UniqueConstraint(
            "activity_id", "resident_id", name=op.f("uq_activity_participants_resident")
        ),
        sa.UniqueConstraint("activity_id", "seq", name=op.f("uq_activity_participants_seq")),
    )
    op.create_index(
        op.f("ix_activity_participants_activity_id"),
        "activity_participants",
        ["activity_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_activity_participants_resident_id"),
        "activity_participants",
        ["resident_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_activity_participants_resident_id"), table_name="activity_participants")
    op.drop_index(op.f("ix_activity_participants_activity_id"), table_name="activity_participants")
    op.drop_table("activity_participants")
    op.drop_index(op.f("ix_activities_community_id"), table_name="activities")
    op.drop_table("activities")
