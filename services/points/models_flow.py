"""Tables of the points workflows: parked volunteer awards, claims and objections, mall holds."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.points.models import Base


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


class Claim(Base):
    """申报 → 审核 → 公示 → vested (or rejected / upheld objection)."""

    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(
            "status IN ('submitted', 'publicity', 'rejected', 'vested')", name="status"
        ),
        Index(
            "ix_claims_publicity_end",
            "publicity_ends_at",
            postgresql_where=text("status = 'publicity'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    item_code: Mapped[str] = mapped_column(String(32))
    occurred_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSONB, server_default=text("'[]'"))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'submitted'"))
    review_reason: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    publicity_ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    posting_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("postings.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Objection(Base):
    __tablename__ = "objections"
    __table_args__ = (CheckConstraint("status IN ('open', 'upheld', 'dismissed')", name="status"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("claims.id"), index=True)
    objector_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    reason: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), server_default=text("'open'"))
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Hold(Base):
    """Points held for a mall order, one row per order: placed → settled | released."""

    __tablename__ = "holds"
    __table_args__ = (
        CheckConstraint("status IN ('placed', 'rejected', 'settled', 'released')", name="status"),
    )

    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    resident_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    community_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    amount: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ExpiryMark(Base):
    """One row per resident, deadline and stage: the warning or the expiry has been done."""

    __tablename__ = "expiry_marks"
    __table_args__ = (
        CheckConstraint("stage IN ('warned', 'expired')", name="stage"),
        CheckConstraint("points >= 0", name="points"),
    )

    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    expires_on: Mapped[date] = mapped_column(Date, primary_key=True)
    stage: Mapped[str] = mapped_column(String(16), primary_key=True)
    points: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
