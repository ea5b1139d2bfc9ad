"""Items (商品): create, change, read and list; residents see only what is on sale to them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.deps import StaffScope
from kit.errors import NotFound
from kit.pagination import decode_cursor, keyset_page
from services.mall.catalog import access, rules
from services.mall.catalog.models import Counter, Item, Stock
from services.mall.catalog.schemas import ItemCreate, ItemOut, ItemPage, ItemUpdate, StockLine
from services.mall.directory.service import covered_community
from services.mall.orders.rules import on_sale

NOT_FOUND = "商品不存在或无权访问"
EDITABLE = (
    "name",
    "description",
    "category",
    "price",
    "per_person_limit",
    "limit_period",
    "sponsor",
    "available_from",
    "available_until",
    "on_shelf",
)


def image_url(item: Item) -> str | None:
    return f"/api/mall/items/{item.id}/image" if item.image_key else None


async def create(
    *, session: AsyncSession, scope: StaffScope, body: ItemCreate, now: datetime
) -> Item:
    path = await covered_community(session, scope, body.community_id, field="community_id")
    fields = rules.merged_item({}, body.model_dump(include=set(EDITABLE)))
    item = Item(
        id=uuid.uuid4(),
        community_id=body.community_id,
        community_path=path,
        created_by=uuid.UUID(scope.principal.sub),
        created_at=now,
        updated_at=now,
        **fields,
    )
    session.add(item)
    await session.flush()
    return item


async def managed(
    *, session: AsyncSession, scope: StaffScope, item_id: uuid.UUID, lock: bool = False
) -> Item:
    """The item if the caller's roles cover its community; 404 otherwise."""
    item = await session.get(Item, item_id, with_for_update=lock)
    if item is None or not scope.covers(item.community_path):
        raise NotFound(NOT_FOUND)
    return item


async def update(*, session: AsyncSession, item: Item, body: ItemUpdate, now: datetime) -> Item:
    changes = body.model_dump(exclude_unset=True)
    current = {name: getattr(item, name) for name in EDITABLE}
    rules.merged_item(current, changes)
    for name, value in changes.items():
        setattr(item, name, value)
    item.updated_at = now
    await session.flush()
    # Unchanged `now` leaves the server's onupdate to set it: read back what was stored.
    await session.refresh(item)
    return item


async def visible(
    *, session: AsyncSession, principal: Principal, item_id: uuid.UUID, now: datetime
) -> tuple[Item, bool]:
    """The item and whether the caller reads it as staff: covering staff see any item,
    residents of its community one on sale now; the same 404 for anything else."""
    item = await session.get(Item, item_id)
    if item is not None and access.covers(principal, item.community_path):
        return item, True
    if item is not None and principal.community_id == str(item.community_id):
        sale = on_sale(
            on_shelf=item.on_shelf,
            available_from=item.available_from,
            available_until=item.available_until,
            at=now,
        )
        if sale:
            return item, False
    raise NotFound(NOT_FOUND)


async def item_out(session: AsyncSession, item: Item, *, staff: bool) -> ItemOut:
    lines = await stock_lines(session, [item.id], staff=staff)
    return _out(item, lines.get(item.id, []))


def _out(item: Item, lines: list[StockLine]) -> ItemOut:
    values: dict[str, Any] = {name: getattr(item, name) for name in EDITABLE}
    return ItemOut(
        id=item.id,
        community_id=item.community_id,
        image_url=image_url(item),
        stock=lines,
        created_at=item.created_at,
        updated_at=item.updated_at,
        **values,
    )


async def stock_lines(
    session: AsyncSession, item_ids: Sequence[uuid.UUID], *, staff: bool
) -> dict[uuid.UUID, list[StockLine]]:
    """Each item's stock by counter; residents see only counters that are open for business."""
    stmt = (
        select(Stock.item_id, Stock.counter_id, Counter.name, Stock.quantity)
        .join(Counter, Counter.id == Stock.counter_id)
        .where(Stock.item_id.in_(item_ids))
        .order_by(Counter.created_at, Counter.id)
    )
    if not staff:
        stmt = stmt.where(Counter.active.is_(True))
    found: dict[uuid.UUID, list[StockLine]] = defaultdict(list)
    for item_id, counter_id, name, quantity in await session.execute(stmt):
        found[item_id].append(
            StockLine(counter_id=counter_id, counter_name=name, quantity=quantity)
        )
    return found


@dataclass(frozen=True)
class ItemQuery:
    community_id: uuid.UUID | None
    category: str | None
    counter_id: uuid.UUID | None
    on_sale: bool | None
    cursor: str | None
    limit: int


def selling_at(now: datetime) -> ColumnElement[bool]:
    """On the shelf and inside the sale window at `now` (the SQL twin of rules.on_sale)."""
    return and_(
        Item.on_shelf.is_(True),
        or_(Item.available_from.is_(None), Item.available_from <= now),
        or_(Item.available_until.is_(None), Item.available_until > now),
    )


async def page(
    *, session: AsyncSession, principal: Principal, query: ItemQuery, now: datetime
) -> ItemPage:
    """Newest first. Staff: every item of the communities they cover (or of one of them);
    residents: the items of their own community on sale now."""
    staff = await _scope(session, principal, query.community_id)
    stmt = select(Item)
    if query.community_id is not None:
        stmt = stmt.where(Item.community_id == query.community_id)
    elif staff:
        stmt = stmt.where(access.within(Item.community_path, access.staff_paths(principal)))
    else:
        stmt = stmt.where(Item.community_id == uuid.UUID(str(principal.community_id)))
    if not staff or query.on_sale is True:
        stmt = stmt.where(selling_at(now))
    elif query.on_sale is False:
        stmt = stmt.where(not_(selling_at(now)))
    if query.category is not None:
        stmt = stmt.where(Item.category == query.category)
    if query.counter_id is not None:
        stocked = (Stock.item_id == Item.id) & (Stock.counter_id == query.counter_id)
        stmt = stmt.where(exists().where(stocked))
    if query.cursor is not None:
        at, after = decode_cursor(query.cursor)
        stmt = stmt.where(tuple_(Item.created_at, Item.id) < tuple_(at, after))
    stmt = stmt.order_by(Item.created_at.desc(), Item.id.desc()).limit(query.limit + 1)
    rows = list(await session.scalars(stmt))
    items, cursor = keyset_page(rows, query.limit, lambda i: (i.created_at, i.id))
    lines = await stock_lines(session, [i.id for i in items], staff=staff)
    return ItemPage(items=[_out(i, lines.get(i.id, [])) for i in items], next_cursor=cursor)


async def _scope(
    session: AsyncSession, principal: Principal, community_id: uuid.UUID | None
) -> bool:
    """Whether the list is read as staff; 404 for a community the caller may not read."""
    if community_id is not None:
        seen = await access.reader(session, principal, community_id, field="community_id")
        return seen.staff
    if access.staff_paths(principal):
        return True
    if principal.community_id is None:
        raise NotFound(access.NO_COMMUNITY, field="community_id")
    return False
