"""Notices' tables: the notice, its earlier versions, and who read and acknowledged it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.notices.base import Base, Timestamps, one_of
from services.notices.board.rules import CATEGORIES, STATUSES


class Notice(Timestamps, Base):
    """A notice of one org unit; `body_html` is the sanitised rendering of `body`."""

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(one_of("category", CATEGORIES), name="category_known"),
        CheckConstraint(one_of("status", STATUSES), name="status_known"),
        CheckConstraint("sheet IS NULL OR category = 'finance'", name="sheet_only_finance"),
        CheckConstraint(
            "status <> 'withdrawn' OR withdraw_reason IS NOT NULL", name="withdrawn_has_reason"
        ),
        CheckConstraint("pinned_at IS NULL OR status = 'published'", name="pinned_published"),
        CheckConstraint("version >= 1", name="version_positive"),
        Index("ix_notices_unit_published", "unit_id", "status", "published_at"),
        Index(
            "ix_notices_scheduled_due",
            "publish_at",
            postgresql_where=text("status = 'scheduled'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    unit_path: Mapped[str] = mapped_column(String(512))
    category: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    require_ack: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    sheet: Mapped[dict[str, Any] | None] = mapped_column(JSONB(none_as_null=True))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'draft'"))
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    publish_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pinned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdraw_reason: Mapped[str | None] = mapped_column(String(500))
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid)


class NoticeVersion(Base):
    """A published text as it stood before an edit: a public record never changes silently."""

    __tablename__ = "notice_versions"

    notice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    require_ack: Mapped[bool] = mapped_column(Boolean)
    sheet: Mapped[dict[str, Any] | None] = mapped_column(JSONB(none_as_null=True))
    # When this text stopped being the current one, and who replaced it.
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replaced_by: Mapped[uuid.UUID] = mapped_column(Uuid)


class NoticeReceipt(Base):
    """One resident's first read of a notice and, for require_ack ones, the acknowledgement."""

    __tablename__ = "notice_receipts"

    notice_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    acked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NoticeAttachment(Base):
    """A file shown with a notice (PDF, image, XLSX), its type read from its bytes."""

    __tablename__ = "notice_attachments"
    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="size_positive"),
        Index("ix_notice_attachments_notice", "notice_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    notice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
