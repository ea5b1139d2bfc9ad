"""Orders: one row per order, its state in the saga; member codes already used."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.mall.base import Base, Timestamps, one_of

STATES = ("pending_points", "confirmed", "failed", "fulfilled", "cancelled", "expired")
CHANNELS = ("app", "counter")


class Order(Timestamps, Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(one_of("status", STATES), name="status"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
        CheckConstraint("quantity > 0", name="quantity"),
        CheckConstraint("price > 0 AND total_points = price * quantity", name="total"),
        CheckConstraint("status <> 'confirmed' OR pickup_code IS NOT NULL", name="code"),
        # A pickup code is unique among the orders waiting for pickup.
        Index(
            "uq_orders_open_pickup_code",
            "pickup_code",
            unique=True,
            postgresql_where=text("status = 'confirmed'"),
        ),
        # The per-person limit: a resident's orders of an item in a period.
        Index("ix_orders_resident_item", "resident_id", "item_id", "placed_at"),
        # "Mine" lists, newest first.
        Index("ix_orders_resident_placed", "resident_id", "placed_at", "id"),
        # The sweeper (stuck in pending_points) and the expiry job (past pickup_by).
        Index(
            "ix_orders_pending",
            "published_at",
            postgresql_where=text("status = 'pending_points'"),
        ),
        Index(
            "ix_orders_confirmed_pickup_by",
            "pickup_by",
            postgresql_where=text("status = 'confirmed'"),
        ),
        Index("ix_orders_counter_placed", "counter_id", "placed_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    community_path: Mapped[str] = mapped_column(String(512))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("items.id"))
    counter_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("counters.id"))
    item_name: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[int] = mapped_column(Integer)  # per unit, as it was when placed
    total_points: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(8), default="app")
    failure_reason: Mapped[str | None] = mapped_column(String(32))
    pickup_code: Mapped[str | None] = mapped_column(String(8))
    pickup_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    placed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When the placement was last written to the outbox; the sweeper re-publishes after that.
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    placed_by: Mapped[uuid.UUID] = mapped_column(Uuid)  # the resident, or the counter operator
    fulfilled_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class MemberCodeUse(Base):
    """A member code already redeemed: each code buys one redemption, then is spent."""

    __tablename__ = "member_code_uses"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    order_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
