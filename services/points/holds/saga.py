"""The points side of the redemption saga: mall order events → holds, and the answers to mall.

Every handler is idempotent by order id (the `holds` row is the order's state): a repeat of
an order event, whatever its CloudEvent id, changes nothing; a repeated placement only
repeats points' answer (mall applies an answer once). Events go
out with the resident as subject, so one resident's answers keep their order on the topic.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.mall import OrderCancelled, OrderExpired, OrderFulfilled, OrderPlaced
from contracts.points import HoldPlaced, HoldRejected, HoldReleased, HoldSettled
from kit.events import ParsedEvent
from services.points.events import publish
from services.points.holds import service as holds
from services.points.holds.rules import HoldOutcome

OrderEvent = OrderPlaced | OrderFulfilled | OrderCancelled | OrderExpired


async def place_for_order(session: AsyncSession, order: OrderPlaced) -> HoldOutcome:
    """Hold the order's price or refuse it, and tell mall which. A repeat (mall's sweeper
    asks again for an order it still sees pending) holds nothing more but repeats the answer
    while the hold is placed or rejected, so an order can never wait for an answer forever."""
    outcome = await holds.place(
        session,
        order_id=order.order_id,
        resident_id=_uuid(order.resident_id),
        amount=order.total_points,
        at=order.placed_at,
    )
    if outcome.status == "unchanged":
        outcome = await holds.answered(session, order.order_id)
    ids = _ids(order, outcome, points=order.total_points)
    if outcome.status == "placed":
        await publish(session, HoldPlaced(**ids), subject=ids["resident_id"])
    elif outcome.reason is not None:
        rejected = HoldRejected(**ids, reason=outcome.reason)
        await publish(session, rejected, subject=ids["resident_id"])
    return outcome


async def on_order_placed(session: AsyncSession, event: ParsedEvent[OrderPlaced]) -> None:
    await place_for_order(session, event.data)


async def on_order_fulfilled(session: AsyncSession, event: ParsedEvent[OrderFulfilled]) -> None:
    """Picked up: the held points go to mall clearing. No placed hold, nothing to settle."""
    order = event.data
    outcome = await holds.settle(session, order_id=order.order_id, at=order.fulfilled_at)
    if outcome.status == "settled":
        ids = _ids(order, outcome, points=outcome.amount)
        await publish(session, HoldSettled(**ids), subject=ids["resident_id"])


async def on_order_cancelled(session: AsyncSession, event: ParsedEvent[OrderCancelled]) -> None:
    order = event.data
    await _release(session, order, at=order.cancelled_at)


async def on_order_expired(session: AsyncSession, event: ParsedEvent[OrderExpired]) -> None:
    order = event.data
    await _release(session, order, at=order.expired_at)


async def _release(session: AsyncSession, order: OrderEvent, *, at: datetime) -> None:
    outcome = await holds.release(session, order_id=order.order_id, at=at)
    if outcome.status == "released":
        ids = _ids(order, outcome, points=outcome.amount)
        await publish(session, HoldReleased(**ids), subject=ids["resident_id"])


def _ids(order: OrderEvent, outcome: HoldOutcome, *, points: int) -> dict[str, Any]:
    """The ids an answer carries: points' own record of the resident where it has one."""
    return {
        "order_id": order.order_id,
        "resident_id": str(outcome.resident_id or order.resident_id),
        "community_id": str(outcome.community_id or order.community_id),
        "points": points,
    }


def _uuid(value: str) -> uuid.UUID | None:
    """A resident id points can know; anything else is an unknown resident, not poison."""
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
