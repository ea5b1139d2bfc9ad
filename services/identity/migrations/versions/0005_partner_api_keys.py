"""partner api keys: Open311 keys of partner platforms, stored as SHA-256 only

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partner_api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_api_keys_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_api_keys")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_partner_api_keys_key_sha256")),
    )
    op.create_index(
        op.f("ix_partner_api_keys_partner_id"), "partner_api_keys", ["partner_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_partner_api_keys_partner_id"), table_name="partner_api_keys")
    op.drop_table("partner_api_keys")
