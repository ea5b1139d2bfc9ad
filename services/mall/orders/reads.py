"""Reading orders: one order as its owner or covering staff see it, and lists by cursor."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.errors import Forbidden, NotFound
from kit.masking import mask_name
from kit.pagination import decode_cursor, keyset_page
from services.mall.deps import OPERATORS
from services.mall.directory.models import Resident
from services.mall.orders.models import Order
from services.mall.orders.rules import OPEN_STATES
from services.mall.orders.schemas import OrderOut, OrderPage, StatusFilter, order_out


def is_owner(principal: Principal, order: Order) -> bool:
    return principal.sub == str(order.resident_id)


def covers(principal: Principal, order: Order) -> bool:
    return principal.can_act_on(order.community_path, *OPERATORS)


def visible(principal: Principal, order: Order | None) -> Order:
    """The order if the caller owns it or serves its community; the same 404 otherwise."""
    if order is None or not (is_owner(principal, order) or covers(principal, order)):
        raise NotFound("订单不存在")
    return order


def view(principal: Principal, order: Order, qr_key: str) -> OrderOut:
    return order_out(
        order, owner=is_owner(principal, order), qr_key=qr_key, staff=covers(principal, order)
    )


async def named(
    session: AsyncSession, principal: Principal, pairs: list[tuple[Order, OrderOut]]
) -> list[OrderOut]:
    """The answers with the resident's masked name on those the caller serves as staff."""
    wanted = {o.resident_id for o, _ in pairs if covers(principal, o)}
    names: dict[uuid.UUID, str] = {}
    if wanted:
        rows = await session.execute(
            select(Resident.id, Resident.name).where(Resident.id.in_(wanted))
        )
        names = {rid: mask_name(name) for rid, name in rows}
    return [
        out.model_copy(update={"resident_name": names.get(o.resident_id)})
        if o.resident_id in wanted
        else out
        for o, out in pairs
    ]


async def staff_view(
    session: AsyncSession, principal: Principal, order: Order, qr_key: str
) -> OrderOut:
    """One order as `view`, with the masked name when the caller serves its community."""
    return (await named(session, principal, [(order, view(principal, order, qr_key))]))[0]


@dataclass(frozen=True)
class ListQuery:
    mine: bool
    status: StatusFilter | None
    community_id: uuid.UUID | None
    counter_id: uuid.UUID | None
    cursor: str | None
    limit: int


def _within(paths: tuple[str, ...]) -> ColumnElement[bool]:
    return or_(
        *(
            or_(Order.community_path == p, Order.community_path.like(p.rstrip("/") + "/%"))
            for p in paths
        )
    )


async def page(
    session: AsyncSession, principal: Principal, query: ListQuery, qr_key: str
) -> OrderPage:
    """Mine (`mine=true`), or for staff the orders of the communities they serve."""
    stmt = select(Order)
    if query.mine:
        stmt = stmt.where(Order.resident_id == uuid.UUID(principal.sub))
    else:
        paths = tuple(g.unit_path for g in principal.roles if g.role in OPERATORS)
        if not paths:
            raise Forbidden("需要工作人员权限；居民请使用 mine=true")
        stmt = stmt.where(_within(paths))
    if query.community_id is not None:
        stmt = stmt.where(Order.community_id == query.community_id)
    if query.counter_id is not None:
        stmt = stmt.where(Order.counter_id == query.counter_id)
    if query.status == "open":
        stmt = stmt.where(Order.status.in_(OPEN_STATES))
    elif query.status is not None:
        stmt = stmt.where(Order.status == query.status)
    if query.cursor is not None:
        at, after = decode_cursor(query.cursor)
        stmt = stmt.where(tuple_(Order.placed_at, Order.id) < tuple_(at, after))
    stmt = stmt.order_by(Order.placed_at.desc(), Order.id.desc()).limit(query.limit + 1)
    rows = list(await session.scalars(stmt))
    items, cursor = keyset_page(rows, query.limit, lambda o: (o.placed_at, o.id))
    views = await named(session, principal, [(o, view(principal, o, qr_key)) for o in items])
    return OrderPage(items=views, next_cursor=cursor)
