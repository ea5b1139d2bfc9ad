"""deadline indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 17:58:19.752501
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_petitions_accept_due",
        "petitions",
        ["accept_due_at"],
        unique=False,
        postgresql_where=sa.text("status = 'submitted'"),
    )
    op.create_index(
        "ix_petitions_rating_due",
        "petitions",
        ["resolved_at"],
        unique=False,
        postgresql_where=sa.text("status = 'resolved'"),
    )
    op.create_index(
        "ix_petitions_resolve_due",
        "petitions",
        ["resolve_due_at"],
        unique=False,
        postgresql_where=sa.text("status IN ('accepted', 'assigned', 'in_progress', 'reopened')"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_petitions_resolve_due",
        table_name="petitions",
        postgresql_where=sa.text("status IN ('accepted', 'assigned', 'in_progress', 'reopened')"),
    )
    op.drop_index(
        "ix_petitions_rating_due",
        table_name="petitions",
        postgresql_where=sa.text("status = 'resolved'"),
    )
    op.drop_index(
        "ix_petitions_accept_due",
        table_name="petitions",
        postgresql_where=sa.text("status = 'submitted'"),
    )
