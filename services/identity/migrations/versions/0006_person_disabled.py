"""person disabled: staff may disable an account (no login; its tokens refused within seconds)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 08:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("persons", sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("persons", sa.Column("disabled_by", sa.Uuid(), nullable=True))
    op.add_column("persons", sa.Column("disabled_reason", sa.String(length=200), nullable=True))
    op.create_check_constraint(
        op.f("ck_persons_disabled_has_reason"),
        "persons",
        "disabled_at IS NULL OR disabled_reason IS NOT NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_persons_disabled_has_reason"), "persons", type_="check")
    op.drop_column("persons", "disabled_reason")
    op.drop_column("persons", "disabled_by")
    op.drop_column("persons", "disabled_at")
