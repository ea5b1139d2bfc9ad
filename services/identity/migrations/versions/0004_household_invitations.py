"""household invitations: a head's request to join, pending until the invitee answers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 16:20:00.000000
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
        "household_invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=False),
        sa.Column(
            "status", sa.String(length=16), server_default=sa.text("'pending'"), nullable=False
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
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
            "status IN ('pending', 'accepted', 'declined')",
            name=op.f("ck_household_invitations_status"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_household_invitations_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_household_invitations_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_invitations")),
    )
    op.create_index(
        op.f("ix_household_invitations_household_id"),
        "household_invitations",
        ["household_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_household_invitations_person_id"),
        "household_invitations",
        ["person_id"],
        unique=False,
    )
    op.create_index(
        "uq_household_invitations_pending",
        "household_invitations",
        ["household_id", "person_id"],
        unique=True,
        postgresql_where=sa.text("status = 'pending'"),
    )


def downgrade() -> None:
    op.drop_index("uq_household_invitations_pending", table_name="household_invitations")
    op.drop_index(op.f("ix_household_invitations_person_id"), table_name="household_invitations")
    op.drop_index(op.f("ix_household_invitations_household_id"), table_name="household_invitations")
    op.drop_table("household_invitations")
