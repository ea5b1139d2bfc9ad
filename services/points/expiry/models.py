"""The expiry marks table: which warnings and expiries have been done, once each."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    String,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.points.base import Base


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
