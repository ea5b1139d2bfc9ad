"""one verified account per ID number; pending submissions may share a number

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint(op.f("uq_persons_id_number_hash"), "persons", type_="unique")
    op.create_index(op.f("ix_persons_id_number_hash"), "persons", ["id_number_hash"], unique=False)
    op.create_index(
        "uq_persons_id_number_verified",
        "persons",
        ["id_number_hash"],
        unique=True,
        postgresql_where=sa.text("verification_status = 'verified'"),
    )


def downgrade() -> None:
    op.drop_index("uq_persons_id_number_verified", table_name="persons")
    op.drop_index(op.f("ix_persons_id_number_hash"), table_name="persons")
    op.create_unique_constraint(op.f("uq_persons_id_number_hash"), "persons", ["id_number_hash"])
