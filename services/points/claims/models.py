"""Tables of claims: each claim with its review and publicity, and the objections to it."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
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

from services.points.base import Base


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
