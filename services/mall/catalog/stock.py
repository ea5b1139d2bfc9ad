"""Stock moves: every change is one conditional UPDATE of the (item, counter) row and one
append-only move row with its reason and actor, in the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import insert, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.mall.catalog.models import Stock, StockMove


async def reserve(
    session: AsyncSession,
    *,
    item_id: uuid.UUID,
    counter_id: uuid.UUID,
    quantity: int,
    actor: str,
    order_id: uuid.UUID,
    at: datetime,
) -> bool:
    """Take `quantity` for an order if that many are on hand; False (nothing written) if not.

    One statement decides: concurrent reservations queue on the row and each sees the
    quantity the previous one left, so the last unit goes to exactly one order."""
    taken = await session.execute(
        update(Stock)
        .where(
            Stock.item_id == item_id,
            Stock.counter_id == counter_id,
            Stock.quantity >= quantity,
        )
        .values(quantity=Stock.quantity - quantity)
        .returning(Stock.quantity)
    )
    if taken.first() is None:
        return False
    await _record(session, item_id, counter_id, -quantity, "order", actor, order_id, None, at)
    return True


async def give_back(
    session: AsyncSession,
    *,
    item_id: uuid.UUID,
    counter_id: uuid.UUID,
    quantity: int,
    actor: str,
    order_id: uuid.UUID,
    at: datetime,
) -> None:
    """Return an order's reserved units to the counter (failed, cancelled, expired)."""
    await session.execute(
        update(Stock)
        .where(Stock.item_id == item_id, Stock.counter_id == counter_id)
        .values(quantity=Stock.quantity + quantity)
    )
    await _record(session, item_id, counter_id, quantity, "return", actor, order_id, None, at)


async def adjust(
    session: AsyncSession,
    *,
    item_id: uuid.UUID,
    counter_id: uuid.UUID,
    delta: int,
    reason: str,
    actor: str,
    note: str | None,
    at: datetime,
) -> int | None:
    """Restock (delta > 0) or adjust by `delta`; the new quantity, or None if it would go
    below zero (nothing written)."""
    if delta > 0:
        stmt = (
            pg_insert(Stock)
            .values(item_id=item_id, counter_id=counter_id, quantity=delta)
            .on_conflict_do_update(
                index_elements=[Stock.item_id, Stock.counter_id],
                set_={"quantity": Stock.quantity + delta},
            )
            .returning(Stock.quantity)
        )
        row = (await session.execute(stmt)).first()
    else:
        # Taking away never creates a row, and never takes it below zero.
        taken = (
            update(Stock)
            .where(
                Stock.item_id == item_id,
                Stock.counter_id == counter_id,
                Stock.quantity + delta >= 0,
            )
            .values(quantity=Stock.quantity + delta)
            .returning(Stock.quantity)
        )
        row = (await session.execute(taken)).first()
    if row is None:
        return None
    await _record(session, item_id, counter_id, delta, reason, actor, None, note, at)
    return int(row[0])


async def _record(
    session: AsyncSession,
    item_id: uuid.UUID,
    counter_id: uuid.UUID,
    delta: int,
    reason: str,
    actor: str,
    order_id: uuid.UUID | None,
    note: str | None,
    at: datetime,
) -> None:
    await session.execute(
        insert(StockMove).values(
            item_id=item_id,
            counter_id=counter_id,
            delta=delta,
            reason=reason,
            actor=actor,
            order_id=order_id,
            note=note,
            at=at,
        )
    )
