"""residents grid

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 18:59:45.844894
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("residents", sa.Column("grid_id", sa.Uuid(), nullable=True))
    op.create_index(op.f("ix_residents_grid_id"), "residents", ["grid_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_residents_grid_id"), table_name="residents")
    op.drop_column("residents", "grid_id")
