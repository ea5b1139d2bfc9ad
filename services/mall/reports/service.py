"""The reconciliation of one counter over a period: grouped queries, assembled by the rules."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.deps import StaffScope
from kit.errors import NotFound
from services.mall.catalog.models import MOVE_REASONS, Counter, Item, Stock, StockMove
from services.mall.orders.models import STATES, Order
from services.mall.orders.rules import OPEN_STATES
from services.mall.reports import rules
from services.mall.reports.schemas import ItemLine, MoveTally, Reconciliation, Tally

NOT_FOUND = "兑换点不存在或无权访问"


async def covered_counter(
    session: AsyncSession, scope: StaffScope, counter_id: uuid.UUID
) -> Counter:
    counter = await session.get(Counter, counter_id)
    if counter is None or not scope.covers(counter.community_path):
        raise NotFound(NOT_FOUND, field="counter_id")
    return counter


async def reconcile(
    session: AsyncSession, *, counter: Counter, period: rules.Period
) -> Reconciliation:
    rows = await _item_rows(session, counter.id, period)
    orders = await _orders_by_status(session, counter.id, period)
    settled = await session.scalar(
        select(func.coalesce(func.sum(Order.total_points), 0)).where(
            *_fulfilled_in(counter.id, period)
        )
    )
    moves = await _moves_by_reason(session, counter.id, period)
    held = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Order.total_points), 0)).where(
                Order.counter_id == counter.id, Order.status.in_(OPEN_STATES)
            )
        )
    ).one()
    return Reconciliation(
        counter_id=counter.id,
        from_=period.first,
        to=period.last,
        orders=orders,
        points_settled=int(settled or 0),
        stock_moves=moves,
        open_holds=Tally(count=held[0], points=held[1]),
        items=[ItemLine.model_validate(r, from_attributes=True) for r in rows],
        totals=rules.totals(rows),
    )


def _placed_in(counter_id: uuid.UUID, period: rules.Period) -> tuple[ColumnElement[bool], ...]:
    return (
        Order.counter_id == counter_id,
        Order.placed_at >= period.start,
        Order.placed_at < period.end,
    )


def _fulfilled_in(counter_id: uuid.UUID, period: rules.Period) -> tuple[ColumnElement[bool], ...]:
    return (
        Order.counter_id == counter_id,
        Order.status == "fulfilled",
        Order.closed_at >= period.start,
        Order.closed_at < period.end,
    )


def _moved_in(counter_id: uuid.UUID, period: rules.Period) -> tuple[ColumnElement[bool], ...]:
    return (
        StockMove.counter_id == counter_id,
        StockMove.at >= period.start,
        StockMove.at < period.end,
    )


async def _orders_by_status(
    session: AsyncSession, counter_id: uuid.UUID, period: rules.Period
) -> dict[str, Tally]:
    found = {state: Tally(count=0, points=0) for state in STATES}
    stmt = (
        select(Order.status, func.count(), func.sum(Order.total_points))
        .where(*_placed_in(counter_id, period))
        .group_by(Order.status)
    )
    for status, count, points in await session.execute(stmt):
        found[status] = Tally(count=count, points=int(points))
    return found


async def _moves_by_reason(
    session: AsyncSession, counter_id: uuid.UUID, period: rules.Period
) -> dict[str, MoveTally]:
    found = {reason: MoveTally(count=0, quantity=0) for reason in MOVE_REASONS}
    stmt = (
        select(StockMove.reason, func.count(), func.sum(StockMove.delta))
        .where(*_moved_in(counter_id, period))
        .group_by(StockMove.reason)
    )
    for reason, count, quantity in await session.execute(stmt):
        found[reason] = MoveTally(count=count, quantity=int(quantity))
    return found


async def _item_rows(
    session: AsyncSession, counter_id: uuid.UUID, period: rules.Period
) -> list[rules.ItemRow]:
    """One row per item ever stocked at the counter (orders and moves need a stock row)."""
    stocked = await session.execute(
        select(Item.id, Item.name, Item.price, Stock.quantity)
        .join(Stock, Stock.item_id == Item.id)
        .where(Stock.counter_id == counter_id)
        .order_by(Item.name, Item.id)
    )
    rows = {
        item_id: rules.ItemRow(item_id, name, price, stock_now=quantity)
        for item_id, name, price, quantity in stocked
    }
    placed = select(Order.item_id, func.count()).where(*_placed_in(counter_id, period))
    for item_id, count in await session.execute(placed.group_by(Order.item_id)):
        rows[item_id].orders_placed = count
    fulfilled = select(Order.item_id, func.sum(Order.quantity), func.sum(Order.total_points)).where(
        *_fulfilled_in(counter_id, period)
    )
    for item_id, quantity, points in await session.execute(fulfilled.group_by(Order.item_id)):
        rows[item_id].fulfilled_quantity = int(quantity)
        rows[item_id].points_settled = int(points)
    moved = select(StockMove.item_id, StockMove.reason, func.sum(StockMove.delta)).where(
        *_moved_in(counter_id, period)
    )
    grouped = moved.group_by(StockMove.item_id, StockMove.reason)
    for item_id, reason, quantity in await session.execute(grouped):
        rules.add_moves(rows[item_id], reason, int(quantity))
    return list(rows.values())
