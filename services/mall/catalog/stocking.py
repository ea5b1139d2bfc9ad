"""Staff stock changes (restock, adjustment) and the list of an item's stock moves."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Conflict, Invalid
from services.mall.catalog import rules, stock
from services.mall.catalog.models import Counter, Item, StockMove
from services.mall.catalog.schemas import MoveOut, MovePage, StockChange, StockOut

BELOW_ZERO = "库存不足，调整后库存不能小于 0"
WRONG_COUNTER = "兑换点不存在或不属于该商品所在社区"


async def change(
    *, session: AsyncSession, item: Item, body: StockChange, actor: str, now: datetime
) -> StockOut:
    """Move the item's stock at one counter of its community by `delta`, with a move row."""
    refusal = rules.check_stock_change(body.delta, body.reason)
    if refusal is not None:
        raise Invalid(refusal, field="delta")
    counter = await session.get(Counter, body.counter_id)
    if counter is None or counter.community_id != item.community_id:
        raise Invalid(WRONG_COUNTER, field="counter_id")
    quantity = await stock.adjust(
        session,
        item_id=item.id,
        counter_id=counter.id,
        delta=body.delta,
        reason=body.reason,
        actor=actor,
        note=body.note,
        at=now,
    )
    if quantity is None:
        raise Conflict(BELOW_ZERO, field="delta")
    return StockOut(item_id=item.id, counter_id=counter.id, quantity=quantity)


@dataclass(frozen=True)
class MoveQuery:
    counter_id: uuid.UUID | None
    cursor: str | None
    limit: int


def _after(cursor: str) -> int:
    """Move ids are the cursor (newest first): a page continues below the last id shown."""
    if not cursor.isdigit() or len(cursor) > 18:
        raise Invalid("分页游标无效", field="cursor")
    return int(cursor)


async def moves(*, session: AsyncSession, item: Item, query: MoveQuery) -> MovePage:
    stmt = select(StockMove).where(StockMove.item_id == item.id)
    if query.counter_id is not None:
        stmt = stmt.where(StockMove.counter_id == query.counter_id)
    if query.cursor is not None:
        stmt = stmt.where(StockMove.id < _after(query.cursor))
    rows = list(await session.scalars(stmt.order_by(StockMove.id.desc()).limit(query.limit + 1)))
    shown = rows[: query.limit]
    more = len(rows) > query.limit and bool(shown)
    return MovePage(
        items=[MoveOut.model_validate(m, from_attributes=True) for m in shown],
        next_cursor=str(shown[-1].id) if more else None,
    )
