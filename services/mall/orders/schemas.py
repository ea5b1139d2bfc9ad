"""Request and answer bodies of orders, pickups and counter redemptions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from kit.pagination import Page
from kit.schemas import In
from services.mall.orders.models import Order
from services.mall.orders.rules import FLOW, qr_payload

Status = Literal["pending_points", "confirmed", "failed", "fulfilled", "cancelled", "expired"]
StatusFilter = Literal[
    "open", "pending_points", "confirmed", "failed", "fulfilled", "cancelled", "expired"
]
MAX_QUANTITY = 99


class OrderCreate(In):
    item_id: uuid.UUID
    counter_id: uuid.UUID
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY)


class PickupIn(In):
    """The 8-character pickup code as typed, or the scanned QR payload."""

    code: str = Field(min_length=1, max_length=200)
    counter_id: uuid.UUID | None = Field(
        default=None, description="the counter writing the code off; another counter's is 409"
    )


class OrderOut(BaseModel):
    id: uuid.UUID
    status: Status
    item_id: uuid.UUID
    item_name: str
    counter_id: uuid.UUID
    community_id: uuid.UUID
    quantity: int
    price: int
    total_points: int
    channel: Literal["app", "counter"]
    # Only the resident who ordered sees the code and its QR: staff write off what is shown.
    pickup_code: str | None = None
    pickup_qr: str | None = None
    pickup_by: datetime | None
    failure_reason: str | None
    placed_at: datetime
    confirmed_at: datetime | None
    closed_at: datetime | None
    allowed_actions: list[str] = Field(default_factory=list)
    # Staff of the counter's community read whose order it is, masked (张*三), never in full.
    resident_name: str | None = Field(default=None, description="居民姓名（脱敏），仅工作人员可见")


OrderPage = Page[OrderOut]


def order_out(order: Order, *, owner: bool, qr_key: str, staff: bool = False) -> OrderOut:
    """The order as the caller may see it: the owner gets the code, staff their actions."""
    show_code = owner and order.status == "confirmed" and order.pickup_code is not None
    actions: list[str] = []
    if owner and (order.status, "cancel") in FLOW:
        actions.append("cancel")
    if staff and order.status == "confirmed":
        actions.append("cancel")
        if order.channel == "counter":
            actions.append("fulfil")  # POST /orders/{id}/fulfil: no code to show at the counter
    return OrderOut(
        id=order.id,
        status=order.status,
        item_id=order.item_id,
        item_name=order.item_name,
        counter_id=order.counter_id,
        community_id=order.community_id,
        quantity=order.quantity,
        price=order.price,
        total_points=order.total_points,
        channel=order.channel,
        pickup_code=order.pickup_code if show_code else None,
        pickup_qr=qr_payload(qr_key, str(order.id), order.pickup_code)
        if show_code and order.pickup_code
        else None,
        pickup_by=order.pickup_by,
        failure_reason=order.failure_reason,
        placed_at=order.placed_at,
        confirmed_at=order.confirmed_at,
        closed_at=order.closed_at,
        allowed_actions=sorted(set(actions)),
    )
