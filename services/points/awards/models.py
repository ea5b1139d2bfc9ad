"""Tables of awards on hold: pushes for unregistered phones, activity types no item matches."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Index,
    String,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.points.base import Base


class PendingAward(Base):
    """A volunteer push for a phone that has not registered yet: posted when it does."""

    __tablename__ = "pending_awards"
    __table_args__ = (
        Index("ix_pending_awards_open", "phone_hash", postgresql_where=text("settled_at IS NULL")),
    )

    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64))
    envelope: Mapped[dict[str, object]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UnmatchedActivity(Base):
    """A volunteer activity type no item of the community's list matches: staff decide."""

    __tablename__ = "unmatched_activities"
    __table_args__ = (CheckConstraint("status IN ('open', 'mapped', 'dismissed')", name="status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    event_id: Mapped[str] = mapped_column(String(200), unique=True)
    community_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    activity_type: Mapped[str] = mapped_column(String(64))
    envelope: Mapped[dict[str, object]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), server_default=text("'open'"))
    resolution: Mapped[str | None] = mapped_column(String(200))
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
