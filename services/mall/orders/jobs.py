"""Scheduled work on orders, safe on every replica (rows are claimed with SKIP LOCKED):
orders not picked up by `pickup_by` expire; orders still waiting for points have their
placement published again (points answers once per order, so a repeat costs nothing)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit import idempotency
from kit.db import unit_of_work
from services.mall.orders import service as orders
from services.mall.orders.models import Order
from services.mall.orders.placement import publish_placement

BATCH = 200
IDEMPOTENCY_WINDOW = timedelta(days=2)


async def expire_due(*, session_factory: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Expire confirmed orders past `pickup_by`: stock back, `mall.order.expired` out."""
    done = 0
    while True:
        async with unit_of_work(session_factory) as session:
            due = await session.scalars(
                select(Order)
                .where(Order.status == "confirmed", Order.pickup_by < now)
                .order_by(Order.pickup_by)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
            batch = list(due)
            for order in batch:
                await orders.expire(session, order, now=now)
            await session.commit()
        done += len(batch)
        if len(batch) < BATCH:
            return done


async def republish_stuck(
    *, session_factory: async_sessionmaker[AsyncSession], now: datetime, after: timedelta
) -> int:
    """Publish again the placement of orders waiting for points longer than `after`."""
    done = 0
    while True:
        async with unit_of_work(session_factory) as session:
            stuck = await session.scalars(
                select(Order)
                .where(Order.status == "pending_points", Order.published_at < now - after)
                .order_by(Order.published_at)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
            batch = list(stuck)
            for order in batch:
                order.published_at = now
                await publish_placement(session, order)
            await session.commit()
        done += len(batch)
        if len(batch) < BATCH:
            return done


async def forget_idempotency_keys(
    *, session_factory: async_sessionmaker[AsyncSession], now: datetime
) -> int:
    async with unit_of_work(session_factory) as session:
        dropped = await idempotency.forget_before(session, before=now - IDEMPOTENCY_WINDOW)
        await session.commit()
    return dropped
