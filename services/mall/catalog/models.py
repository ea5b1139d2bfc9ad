"""Counters, items, stock per (item, counter), and every stock move with its reason."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.mall.base import Base, Timestamps, one_of

LIMIT_PERIODS = ("day", "week", "month", "year")
MOVE_REASONS = ("restock", "adjustment", "order", "return")


class Counter(Timestamps, Base):
    """An exchange counter (兑换点) of a community, where goods are picked up."""

    __tablename__ = "counters"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    community_path: Mapped[str] = mapped_column(String(512))
    name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(200))
    # e.g. [{"days": "周一至周五", "open": "09:00", "close": "17:00"}] or free text in "note"
    opening_hours: Mapped[Any | None] = mapped_column(JSONB)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[uuid.UUID] = mapped_column(Uuid)


class Item(Timestamps, Base):
    """Goods priced in points, offered by a community at its counters."""

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("price > 0", name="price"),
        CheckConstraint("per_person_limit IS NULL OR per_person_limit > 0", name="limit"),
        CheckConstraint(
            f"limit_period IS NULL OR {one_of('limit_period', LIMIT_PERIODS)}", name="period"
        ),
        CheckConstraint(
            "(per_person_limit IS NULL) = (limit_period IS NULL)", name="limit_with_period"
        ),
        CheckConstraint(
            "available_until IS NULL OR available_from IS NULL OR available_until > available_from",
            name="window",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    community_path: Mapped[str] = mapped_column(String(512))
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    image_key: Mapped[str | None] = mapped_column(String(200))
    image_type: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(32))
    price: Mapped[int] = mapped_column(Integer)
    per_person_limit: Mapped[int | None] = mapped_column(Integer)
    limit_period: Mapped[str | None] = mapped_column(String(8))
    sponsor: Mapped[str | None] = mapped_column(String(64))
    available_from: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    available_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    on_shelf: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[uuid.UUID] = mapped_column(Uuid)


class Stock(Base):
    """Units of an item on hand at a counter. The CHECK is the last word on overselling:
    a reservation is one conditional UPDATE that can never take it below zero."""

    __tablename__ = "stock"
    __table_args__ = (CheckConstraint("quantity >= 0", name="not_negative"),)

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"), primary_key=True)
    counter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("counters.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class StockMove(Base):
    """One change of stock, append-only: restock, adjustment, order (out), return (back)."""

    __tablename__ = "stock_moves"
    __table_args__ = (
        CheckConstraint(one_of("reason", MOVE_REASONS), name="reason"),
        CheckConstraint("delta <> 0", name="delta"),
        Index("ix_stock_moves_counter_at", "counter_id", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    counter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("counters.id"))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(64))  # person id, or "mall" for the saga's jobs
    order_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
