"""open311: partners' API keys (from identity's events) and Open311 request extras

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 17:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "partner_api_keys",
        sa.Column("key_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("partner_name", sa.String(length=64), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_partner_api_keys")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_partner_api_keys_key_sha256")),
    )
    op.create_index(
        op.f("ix_partner_api_keys_partner_id"), "partner_api_keys", ["partner_id"], unique=False
    )
    op.create_table(
        "open311_requests",
        sa.Column("petition_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("media_url", sa.String(length=500), nullable=True),
        sa.Column("device_id", sa.String(length=64), nullable=True),
        sa.Column("account_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_open311_requests_petition_id_petitions"),
        ),
        sa.PrimaryKeyConstraint("petition_id", name=op.f("pk_open311_requests")),
    )
    op.create_index(
        op.f("ix_open311_requests_partner_id"), "open311_requests", ["partner_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_open311_requests_partner_id"), table_name="open311_requests")
    op.drop_table("open311_requests")
    op.drop_index(op.f("ix_partner_api_keys_partner_id"), table_name="partner_api_keys")
    op.drop_table("partner_api_keys")
