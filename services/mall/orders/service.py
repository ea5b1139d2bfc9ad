"""An order's moves after placement, each under the order's row lock and through the FLOW
table: confirmed with a pickup code, failed, fulfilled at the counter, cancelled, expired.
Leaving for failed, cancelled or expired gives the stock back; every move is an event."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.mall import (
    OrderCancelled,
    OrderConfirmed,
    OrderExpired,
    OrderFailed,
    OrderFulfilled,
)
from kit.errors import NotFound
from kit.states import transition
from services.mall.catalog import stock
from services.mall.events import publish
from services.mall.orders import rules
from services.mall.orders.models import Order

CODE_ATTEMPTS = 10


async def locked(session: AsyncSession, order_id: uuid.UUID) -> Order | None:
    found = await session.scalars(select(Order).where(Order.id == order_id).with_for_update())
    return found.first()


async def locked_or_404(session: AsyncSession, order_id: uuid.UUID) -> Order:
    order = await locked(session, order_id)
    if order is None:
        raise NotFound("订单不存在")
    return order


def _ids(order: Order) -> dict[str, str]:
    return {
        "order_id": str(order.id),
        "resident_id": str(order.resident_id),
        "community_id": str(order.community_id),
    }


async def confirm(session: AsyncSession, order: Order, *, now: datetime, pickup: timedelta) -> None:
    """Points are held: a pickup code unique among open orders, and a date to pick up by."""
    after, pickup_by = transition(rules.FLOW, order.status, "confirm"), now + pickup
    for _ in range(CODE_ATTEMPTS):
        try:
            # Every field is set inside the savepoint: rolling one back expires them all.
            async with session.begin_nested():
                order.status = after
                order.pickup_by = pickup_by
                order.confirmed_at = now
                order.pickup_code = rules.new_pickup_code()
                await session.flush()
            break
        except IntegrityError:
            continue  # the code is taken by another open order: draw again
    else:
        raise RuntimeError("no free pickup code after several draws")
    event = OrderConfirmed(
        **_ids(order),
        counter_id=str(order.counter_id),
        total_points=order.total_points,
        pickup_by=pickup_by,
    )
    await publish(session, event, subject=str(order.id))


async def fail(session: AsyncSession, order: Order, *, reason: str, now: datetime) -> None:
    order.status = transition(rules.FLOW, order.status, "fail")
    order.failure_reason = reason
    order.closed_at = now
    await _return_stock(session, order, now=now)
    event = OrderFailed(**_ids(order), reason=reason, failed_at=now)
    await publish(session, event, subject=str(order.id))


async def fulfil(session: AsyncSession, order: Order, *, by: uuid.UUID, now: datetime) -> None:
    order.status = transition(rules.FLOW, order.status, "fulfil")
    order.fulfilled_by = by
    order.closed_at = now
    await publish(session, OrderFulfilled(**_ids(order), fulfilled_at=now), subject=str(order.id))


async def cancel(session: AsyncSession, order: Order, *, by: uuid.UUID, now: datetime) -> None:
    order.status = transition(rules.FLOW, order.status, "cancel")
    order.closed_at = now
    await _return_stock(session, order, now=now, actor=str(by))
    await publish(session, OrderCancelled(**_ids(order), cancelled_at=now), subject=str(order.id))


async def expire(session: AsyncSession, order: Order, *, now: datetime) -> None:
    order.status = transition(rules.FLOW, order.status, "expire")
    order.closed_at = now
    await _return_stock(session, order, now=now)
    await publish(session, OrderExpired(**_ids(order), expired_at=now), subject=str(order.id))


async def _return_stock(
    session: AsyncSession, order: Order, *, now: datetime, actor: str = "mall"
) -> None:
    await stock.give_back(
        session,
        item_id=order.item_id,
        counter_id=order.counter_id,
        quantity=order.quantity,
        actor=actor,
        order_id=order.id,
        at=now,
    )


async def by_id(session: AsyncSession, order_id: uuid.UUID) -> Order | None:
    return await session.get(Order, order_id)
