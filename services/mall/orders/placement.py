"""Placing an order: the item on sale, the per-person limit, stock reserved in one conditional
update, the order written and `mall.order.placed` in the outbox, all in one transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.mall import OrderPlaced
from kit.errors import Conflict, Invalid, NotFound
from services.mall.catalog import stock
from services.mall.catalog.models import Counter, Item
from services.mall.events import publish
from services.mall.orders import rules
from services.mall.orders.models import Order


@dataclass(frozen=True)
class Request:
    resident_id: uuid.UUID
    community_id: uuid.UUID  # the resident's community
    item_id: uuid.UUID
    counter_id: uuid.UUID
    quantity: int
    placed_by: uuid.UUID
    channel: str = "app"


async def place(session: AsyncSession, request: Request, *, now: datetime) -> Order:
    """A pending order with its stock reserved, or a refusal that wrote nothing."""
    item = await session.get(Item, request.item_id)
    if item is None or item.community_id != request.community_id:
        raise NotFound("商品不存在", field="item_id")
    sale = rules.on_sale(
        on_shelf=item.on_shelf,
        available_from=item.available_from,
        available_until=item.available_until,
        at=now,
    )
    if not sale:
        raise Conflict("商品未上架或不在兑换时间内", field="item_id")
    counter = await session.get(Counter, request.counter_id)
    if counter is None or counter.community_id != item.community_id or not counter.active:
        raise Invalid("该兑换点不提供此商品", field="counter_id")
    if item.per_person_limit is not None and item.limit_period is not None:
        await _check_limit(session, request, item.per_person_limit, item.limit_period, now)
    order_id = uuid.uuid4()
    reserved = await stock.reserve(
        session,
        item_id=item.id,
        counter_id=counter.id,
        quantity=request.quantity,
        actor=str(request.placed_by),
        order_id=order_id,
        at=now,
    )
    if not reserved:
        raise Conflict("库存不足", field="quantity")
    order = Order(
        id=order_id,
        resident_id=request.resident_id,
        community_id=item.community_id,
        community_path=item.community_path,
        item_id=item.id,
        counter_id=counter.id,
        item_name=item.name,
        quantity=request.quantity,
        price=item.price,
        total_points=item.price * request.quantity,
        status="pending_points",
        channel=request.channel,
        placed_at=now,
        published_at=now,
        placed_by=request.placed_by,
    )
    session.add(order)
    await session.flush()
    await publish_placement(session, order)
    return order


async def publish_placement(session: AsyncSession, order: Order) -> None:
    """Ask points to hold the price (again, from the sweeper: points answers once per order)."""
    event = OrderPlaced(
        order_id=str(order.id),
        resident_id=str(order.resident_id),
        community_id=str(order.community_id),
        total_points=order.total_points,
        placed_at=order.placed_at,
    )
    await publish(session, event, subject=str(order.id))


async def _check_limit(
    session: AsyncSession, request: Request, limit: int, period: str, now: datetime
) -> None:
    """Refuse past the per-person limit. One resident's orders of one item queue on an
    advisory lock, so two racing orders cannot both see room for one."""
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"mall-limit:{request.resident_id}:{request.item_id}"},
    )
    window = rules.period_window(period, now)
    already = await session.scalar(
        select(func.coalesce(func.sum(Order.quantity), 0)).where(
            Order.resident_id == request.resident_id,
            Order.item_id == request.item_id,
            Order.status.in_(rules.COUNTED_STATES),
            Order.placed_at >= window.start,
            Order.placed_at < window.end,
        )
    )
    if not rules.within_limit(int(already or 0), request.quantity, limit):
        raise Conflict("已达到该商品的限购数量", field="quantity", limit=limit, period=period)
