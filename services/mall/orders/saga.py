"""The mall side of the saga: points' answers move pending orders on. Idempotent by the
order's state: an answer for an order that has moved on (a repeat, or a cancellation that
overtook it) changes nothing; points releases what it held when the cancellation arrives.

Consumers run on the real clock (the pickup window starts when points answered)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.points import HoldPlaced, HoldRejected
from kit.events import ParsedEvent
from services.mall.orders import rules
from services.mall.orders import service as orders
from services.mall.orders.models import Order


async def _pending(session: AsyncSession, value: str) -> Order | None:
    try:
        order_id = uuid.UUID(value)
    except ValueError:
        return None  # not one of ours
    order = await orders.locked(session, order_id)
    return order if order is not None and order.status == "pending_points" else None


async def on_hold_placed(session: AsyncSession, event: ParsedEvent[HoldPlaced]) -> None:
    order = await _pending(session, event.data.order_id)
    if order is not None:
        await orders.confirm(session, order, now=datetime.now(UTC), pickup=rules.PICKUP_WINDOW)


async def on_hold_rejected(session: AsyncSession, event: ParsedEvent[HoldRejected]) -> None:
    order = await _pending(session, event.data.order_id)
    if order is not None:
        await orders.fail(session, order, reason=event.data.reason, now=datetime.now(UTC))
