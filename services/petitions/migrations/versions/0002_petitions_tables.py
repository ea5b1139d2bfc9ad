"""petitions tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 17:24:18.937632
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from kit.migration_ops import create_idempotency_table_v1, drop_idempotency_table_v1

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column(
            "description", sa.String(length=500), server_default=sa.text("''"), nullable=False
        ),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), server_default=sa.text("'demand'"), nullable=False),
        sa.Column("accept_within_hours", sa.Integer(), nullable=False),
        sa.Column("resolve_within_days", sa.Integer(), nullable=False),
        sa.Column("default_assignee_id", sa.Uuid(), nullable=True),
        sa.Column("default_assignee_unit_id", sa.Uuid(), nullable=True),
        sa.Column(
            "attributes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
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
            "accept_within_hours > 0", name=op.f("ck_categories_accept_within_hours")
        ),
        sa.CheckConstraint(
            "resolve_within_days > 0", name=op.f("ck_categories_resolve_within_days")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("community_id", "name", name="uq_categories_name"),
        sa.UniqueConstraint("community_id", "service_code", name="uq_categories_service_code"),
    )
    op.create_index(
        op.f("ix_categories_community_id"), "categories", ["community_id"], unique=False
    )
    op.create_table(
        "residents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("verified", sa.Boolean(), server_default=sa.text("false"), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_residents")),
    )
    op.create_index(op.f("ix_residents_community_id"), "residents", ["community_id"], unique=False)
    op.create_table(
        "staff_grants",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("unit_path", sa.String(length=512), nullable=False),
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
        sa.PrimaryKeyConstraint("person_id", "role", "unit_id", name=op.f("pk_staff_grants")),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("is_community", sa.Boolean(), server_default=sa.text("false"), nullable=False),
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
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
    )
    op.create_index(op.f("ix_units_path"), "units", ["path"], unique=False)
    op.create_table(
        "petitions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("community_id", sa.Uuid(), nullable=False),
        sa.Column("community_path", sa.String(length=512), nullable=False),
        sa.Column("category_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("author_name", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("lat", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("long", sa.Numeric(precision=9, scale=6), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column(
            "anonymous_on_board", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column(
            "attributes",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "status", sa.String(length=16), server_default=sa.text("'submitted'"), nullable=False
        ),
        sa.Column("assignee_id", sa.Uuid(), nullable=True),
        sa.Column("assignee_unit_id", sa.Uuid(), nullable=True),
        sa.Column("progress", sa.SmallInteger(), nullable=True),
        sa.Column("accept_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolve_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_to_unit_id", sa.Uuid(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopen_count", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("rating_comment", sa.String(length=500), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("supports_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("source", sa.String(length=16), server_default=sa.text("'app'"), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
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
            "status IN ('submitted', 'accepted', 'rejected', 'cancelled', 'assigned', 'in_progress', 'resolved', 'reopened', 'closed')",
            name=op.f("ck_petitions_status"),
        ),
        sa.CheckConstraint(
            "visibility IN ('public', 'private')", name=op.f("ck_petitions_visibility")
        ),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_petitions_progress")),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name=op.f("ck_petitions_rating")),
        sa.CheckConstraint("reopen_count BETWEEN 0 AND 2", name=op.f("ck_petitions_reopen_count")),
        sa.CheckConstraint("supports_count >= 0", name=op.f("ck_petitions_supports_count")),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_petitions_category_id_categories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petitions")),
    )
    op.create_index(
        "ix_petitions_assignee", "petitions", ["assignee_id", "created_at"], unique=False
    )
    op.create_index("ix_petitions_author", "petitions", ["author_id", "created_at"], unique=False)
    op.create_index(
        "ix_petitions_board",
        "petitions",
        ["community_id", "created_at", "id"],
        unique=False,
        postgresql_where=sa.text(
            "visibility = 'public' AND status NOT IN ('submitted', 'rejected', 'cancelled')"
        ),
    )
    op.create_index(
        "ix_petitions_community_created",
        "petitions",
        ["community_id", "created_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_petitions_escalated", "petitions", ["escalated_to_unit_id", "created_at"], unique=False
    )
    op.create_index(
        "ix_petitions_path_created",
        "petitions",
        ["community_path", "created_at"],
        unique=False,
        postgresql_ops={"community_path": "text_pattern_ops"},
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("petition_id", sa.Uuid(), nullable=False),
        sa.Column("uploader_id", sa.Uuid(), nullable=False),
        sa.Column("uploaded_by_staff", sa.Boolean(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_attachments_size_bytes")),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_attachments_petition_id_petitions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index(
        op.f("ix_attachments_petition_id"), "attachments", ["petition_id"], unique=False
    )
    op.create_table(
        "supports",
        sa.Column("petition_id", sa.Uuid(), nullable=False),
        sa.Column("resident_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_supports_petition_id_petitions")
        ),
        sa.PrimaryKeyConstraint("petition_id", "resident_id", name=op.f("pk_supports")),
    )
    op.create_table(
        "timeline",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("petition_id", sa.Uuid(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=True),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("progress", sa.SmallInteger(), nullable=True),
        sa.Column(
            "attachment_ids",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('status', 'reply', 'note', 'progress', 'rating', 'escalation', 'adoption')",
            name=op.f("ck_timeline_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_timeline_petition_id_petitions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline")),
    )
    op.create_index("ix_timeline_petition", "timeline", ["petition_id", "at", "seq"], unique=False)
    create_idempotency_table_v1()


def downgrade() -> None:
    drop_idempotency_table_v1()
    op.drop_index("ix_timeline_petition", table_name="timeline")
    op.drop_table("timeline")
    op.drop_table("supports")
    op.drop_index(op.f("ix_attachments_petition_id"), table_name="attachments")
    op.drop_table("attachments")
    op.drop_index(
        "ix_petitions_path_created",
        table_name="petitions",
        postgresql_ops={"community_path": "text_pattern_ops"},
    )
    op.drop_index("ix_petitions_escalated", table_name="petitions")
    op.drop_index("ix_petitions_community_created", table_name="petitions")
    op.drop_index(
        "ix_petitions_board",
        table_name="petitions",
        postgresql_where=sa.text(
            "visibility = 'public' AND status NOT IN ('submitted', 'rejected', 'cancelled')"
        ),
    )
    op.drop_index("ix_petitions_author", table_name="petitions")
    op.drop_index("ix_petitions_assignee", table_name="petitions")
    op.drop_table("petitions")
    op.drop_index(op.f("ix_units_path"), table_name="units")
    op.drop_table("units")
    op.drop_table("staff_grants")
    op.drop_index(op.f("ix_residents_community_id"), table_name="residents")
    op.drop_table("residents")
    op.drop_index(op.f("ix_categories_community_id"), table_name="categories")
    op.drop_table("categories")
