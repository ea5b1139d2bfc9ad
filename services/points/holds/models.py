"""The holds table: one row per mall order, its hold's state."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    String,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.points.base import Base


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
