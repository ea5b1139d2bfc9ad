"""notices board (notices, versions, receipts, attachments)

Revision ID: 0003_board
Revises: 0002
Create Date: 2026-11-29 18:13:38.867770
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_board"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "notices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("unit_path", sa.String(length=512), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("require_ack", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "sheet", postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), nullable=True
        ),
        sa.Column(
            "status", sa.String(length=16), server_default=sa.text("'draft'"), nullable=False
        ),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("publish_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdraw_reason", sa.String(length=500), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=False),
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
            "category IN ('party_affairs', 'village_affairs', 'finance', 'government', 'general')",
            name=op.f("ck_notices_category_known"),
        ),
        sa.CheckConstraint(
            "pinned_at IS NULL OR status = 'published'", name=op.f("ck_notices_pinned_published")
        ),
        sa.CheckConstraint(
            "sheet IS NULL OR category = 'finance'", name=op.f("ck_notices_sheet_only_finance")
        ),
        sa.CheckConstraint(
            "status <> 'withdrawn' OR withdraw_reason IS NOT NULL",
            name=op.f("ck_notices_withdrawn_has_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'scheduled', 'published', 'withdrawn')",
            name=op.f("ck_notices_status_known"),
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_notices_version_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index(
        "ix_notices_scheduled_due",
        "notices",
        ["publish_at"],
        unique=False,
        postgresql_where=sa.text("status = 'scheduled'"),
    )
    op.create_index(
        "ix_notices_unit_published", "notices", ["unit_id", "status", "published_at"], unique=False
    )
    op.create_table(
        "notice_attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_notice_attachments_size_positive")),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name=op.f("fk_notice_attachments_notice_id_notices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_attachments")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_notice_attachments_storage_key")),
    )
    op.create_index(
        "ix_notice_attachments_notice",
        "notice_attachments",
        ["notice_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "notice_receipts",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name=op.f("fk_notice_receipts_notice_id_notices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notice_id", "resident_id", name=op.f("pk_notice_receipts")),
    )
    op.create_table(
        "notice_versions",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("require_ack", sa.Boolean(), nullable=False),
        sa.Column(
            "sheet", postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), nullable=True
        ),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_by", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["notices.id"],
            name=op.f("fk_notice_versions_notice_id_notices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("notice_id", "version", name=op.f("pk_notice_versions")),
    )


def downgrade() -> None:

    op.drop_table("notice_versions")
    op.drop_table("notice_receipts")
    op.drop_index("ix_notice_attachments_notice", table_name="notice_attachments")
    op.drop_table("notice_attachments")
    op.drop_index("ix_notices_unit_published", table_name="notices")
    op.drop_index(
        "ix_notices_scheduled_due",
        table_name="notices",
        postgresql_where=sa.text("status = 'scheduled'"),
    )
    op.drop_table("notices")
