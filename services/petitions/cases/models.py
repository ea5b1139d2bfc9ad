"""Petitions (村民说事), their timeline, and residents' supports (附议)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.petitions.base import Base, one_of

STATES = (
    "submitted",
    "accepted",
    "rejected",
    "cancelled",
    "assigned",
    "in_progress",
    "resolved",
    "reopened",
    "closed",
)
VISIBILITIES = ("public", "private")
ENTRY_KINDS = ("status", "reply", "note", "progress", "rating", "escalation", "adoption")


class Petition(Base):
    __tablename__ = "petitions"
    __table_args__ = (
        CheckConstraint(one_of("status", STATES), name="status"),
        CheckConstraint(one_of("visibility", VISIBILITIES), name="visibility"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        CheckConstraint("reopen_count BETWEEN 0 AND 2", name="reopen_count"),
        CheckConstraint("supports_count >= 0", name="supports_count"),
        # The public board: a community's public petitions, newest or most supported first.
        Index(
            "ix_petitions_board",
            "community_id",
            "created_at",
            "id",
            postgresql_where=text(
                "visibility = 'public' AND status NOT IN ('submitted', 'rejected', 'cancelled')"
            ),
        ),
        Index("ix_petitions_community_created", "community_id", "created_at", "id"),
        # The dashboard of a town or district: a subtree by path prefix, within dates.
        Index(
            "ix_petitions_path_created",
            "community_path",
            "created_at",
            postgresql_ops={"community_path": "text_pattern_ops"},
        ),
        Index("ix_petitions_author", "author_id", "created_at"),
        # The deadlines job: what is due, by the state it is in (see deadlines/service.py).
        Index(
            "ix_petitions_accept_due",
            "accept_due_at",
            postgresql_where=text("status = 'submitted'"),
        ),
        Index(
            "ix_petitions_resolve_due",
            "resolve_due_at",
            postgresql_where=text("status IN ('accepted', 'assigned', 'in_progress', 'reopened')"),
        ),
        Index(
            "ix_petitions_rating_due",
            "resolved_at",
            postgresql_where=text("status = 'resolved'"),
        ),
        Index("ix_petitions_assignee", "assignee_id", "created_at"),
        Index("ix_petitions_escalated", "escalated_to_unit_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    community_path: Mapped[str] = mapped_column(String(512))
    category_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("categories.id"))
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # The author's name when raised, for the board's masked byline (never shown unmasked).
    author_name: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(Text)
    lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    long: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    address: Mapped[str | None] = mapped_column(String(200))
    visibility: Mapped[str] = mapped_column(String(8))
    anonymous_on_board: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    # Answers to the category's Open311 attributes, by attribute code.
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'"))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'submitted'"))
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    assignee_unit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    progress: Mapped[int | None] = mapped_column(SmallInteger)
    accept_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolve_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    overdue_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    escalated_to_unit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reopen_count: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    supports_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    # Where it came from: the app, or an Open311 client (a partner key).
    source: Mapped[str] = mapped_column(String(16), server_default=text("'app'"))
    partner_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Set by the code at every change (the request's clock), never by an ON UPDATE default
    # that would expire the attribute mid-request.
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TimelineEntry(Base):
    """One thing that happened to a petition. `public` entries show on the board and to the
    author; staff-only notes never leave staff views."""

    __tablename__ = "timeline"
    __table_args__ = (
        CheckConstraint(one_of("kind", ENTRY_KINDS), name="kind"),
        Index("ix_timeline_petition", "petition_id", "at", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    petition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("petitions.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))
    public: Mapped[bool] = mapped_column(Boolean)
    # author | staff | system | partner
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str | None] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str | None] = mapped_column(Text)
    progress: Mapped[int | None] = mapped_column(SmallInteger)
    attachment_ids: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'"))


class Support(Base):
    """A resident's 附议 of a public petition: one per resident, withdrawable."""

    __tablename__ = "supports"

    petition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
