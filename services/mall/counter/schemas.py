"""Request and answer bodies of counter redemptions."""

from __future__ import annotations

import uuid

from pydantic import Field

from kit.schemas import In
from services.mall.counter.rules import Outcome
from services.mall.orders.schemas import MAX_QUANTITY, OrderOut


class CounterRedemptionIn(In):
    """Identify the resident one way: `member_code` (the QR on their phone), or `phone`
    with `id_last4` (the last four characters of their ID number)."""

    counter_id: uuid.UUID
    item_id: uuid.UUID
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY)
    member_code: str | None = Field(default=None, max_length=4096)
    phone: str | None = Field(default=None, max_length=32)
    id_last4: str | None = Field(default=None, max_length=8)


class CounterRedemptionOut(OrderOut):
    """The order as the operator sees it (never a pickup code), and what to tell the resident."""

    outcome: Outcome
    message: str
