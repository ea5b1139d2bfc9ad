"""Activities and their participants (sign-ups, the waiting list, attendance)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.notices.activities.rules import ACTIVITY_STATUSES, PARTICIPANT_STATUSES
from services.notices.base import Base, Timestamps, one_of


class Activity(Timestamps, Base):
    """One activity a community organises; `next_seq` numbers arrivals under the row lock."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(one_of("status", ACTIVITY_STATUSES), name="status_known"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("confirmed >= 0 AND confirmed <= capacity", name="confirmed_in_capacity"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    community_path: Mapped[str] = mapped_column(String(512))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, server_default="")
    place: Mapped[str] = mapped_column(String(200), server_default="")
    activity_type: Mapped[str] = mapped_column(String(64))
    item_code: Mapped[str | None] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    signup_closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), server_default="open")
    confirmed: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_seq: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    created_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Participant(Timestamps, Base):
    """A resident's place at an activity: confirmed, waiting (by `seq`), cancelled or walk-in."""

    __tablename__ = "activity_participants"
    __table_args__ = (
        UniqueConstraint("activity_id", "resident_id", name="uq_activity_participants_resident"),
        UniqueConstraint("activity_id", "seq", name="uq_activity_participants_seq"),
        CheckConstraint(one_of("status", PARTICIPANT_STATUSES), name="status_known"),
        CheckConstraint("hours IS NULL OR (hours > 0 AND hours <= 24)", name="hours_in_range"),
        CheckConstraint(
            "checked_out_at IS NULL OR checked_out_at >= checked_in_at", name="out_after_in"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    activity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hours: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    marked_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
