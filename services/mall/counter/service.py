"""Counter redemption: the counter and the resident (member code, or phone + ID tail), the
order placed by the operator through the same placement and saga as an app order, the wait
for points' answer, and the write-off at once when points holds the price."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import unit_of_work
from kit.deps import StaffScope
from kit.errors import Conflict, Forbidden, NotFound
from kit.jwks import TokenVerifier
from kit.member_code import MemberCode, verify_member_code
from kit.phone import counter_check
from services.mall.catalog.models import Counter
from services.mall.counter import rules
from services.mall.counter.rules import ByMemberCode, ByPhone, Identification
from services.mall.counter.schemas import CounterRedemptionIn
from services.mall.directory import service as directory
from services.mall.orders import service as orders
from services.mall.orders.models import MemberCodeUse, Order
from services.mall.orders.placement import Request, place

NOT_FOUND_BY_PHONE = "未找到该居民，请核对手机号和身份证号后四位"
CODE_SPENT = "会员码已使用，请居民刷新后重新出示"


async def counter_of(session: AsyncSession, scope: StaffScope, counter_id: uuid.UUID) -> Counter:
    """The counter if the operator serves its community; the same 404 otherwise (no leak)."""
    counter = await session.get(Counter, counter_id)
    if counter is None or not scope.covers(counter.community_path):
        raise NotFound("兑换点不存在", field="counter_id")
    return counter


async def resident_by_member_code(
    session: AsyncSession, code: MemberCode, counter: Counter
) -> uuid.UUID:
    resident = await directory.resident_or_none(session, code.resident_id)
    if resident is None:
        raise NotFound("未找到该居民的信息，请稍后重试", field="member_code")
    if resident.community_id != counter.community_id:
        raise Forbidden("该居民不属于本兑换点所在社区", field="member_code")
    return resident.id


async def spend_member_code(session: AsyncSession, code: MemberCode) -> None:
    """Each code redeems once: its jti is written with the order (a second use is 409).
    A concurrent second use waits on the first's row and is refused once it commits."""
    spent = await session.scalar(
        pg_insert(MemberCodeUse)
        .values(jti=code.jti, resident_id=code.resident_id, expires_at=code.expires_at)
        .on_conflict_do_nothing()
        .returning(MemberCodeUse.jti)
    )
    if spent is None:
        raise Conflict(CODE_SPENT, field="member_code")


async def resident_by_phone(
    session: AsyncSession, way: ByPhone, counter: Counter, *, phone_key: str
) -> uuid.UUID:
    """The resident of the counter's community matching phone + ID tail. One 404 for every
    miss, naming `phone`: which half was wrong is not revealed."""
    check = counter_check(phone_key, way.phone, way.id_last4)
    resident = await directory.find_by_counter_check(session, check, counter.community_id)
    if resident is None:
        raise NotFound(NOT_FOUND_BY_PHONE, field="phone")
    return resident.id


async def redeem(
    session: AsyncSession,
    scope: StaffScope,
    body: CounterRedemptionIn,
    way: Identification,
    *,
    verifier: TokenVerifier,
    phone_key: str,
    now: datetime,
) -> Order:
    """A counter order placed by the operator for the resident (not committed here)."""
    counter = await counter_of(session, scope, body.counter_id)
    code: MemberCode | None = None
    if isinstance(way, ByMemberCode):
        code = await verify_member_code(verifier, way.token)
        resident_id = await resident_by_member_code(session, code, counter)
        await spend_member_code(session, code)
    else:
        resident_id = await resident_by_phone(session, way, counter, phone_key=phone_key)
    request = Request(
        resident_id=resident_id,
        community_id=counter.community_id,
        item_id=body.item_id,
        counter_id=counter.id,
        quantity=body.quantity,
        placed_by=uuid.UUID(scope.principal.sub),
        channel="counter",
    )
    order = await place(session, request, now=now)
    if code is not None:
        await session.execute(
            update(MemberCodeUse).where(MemberCodeUse.jti == code.jti).values(order_id=order.id)
        )
    return order


async def wait_for_points(
    factory: async_sessionmaker[AsyncSession], order_id: uuid.UUID, *, seconds: float
) -> Order:
    """The order once points has answered, or as it is after `seconds` (fresh reads)."""
    order = await _read(factory, order_id)
    for delay in rules.poll_delays(seconds):
        if order.status != "pending_points":
            break
        await asyncio.sleep(delay)
        order = await _read(factory, order_id)
    return order


async def _read(factory: async_sessionmaker[AsyncSession], order_id: uuid.UUID) -> Order:
    async with unit_of_work(factory) as session:
        order = await orders.by_id(session, order_id)
        if order is None:
            raise NotFound("订单不存在")
        session.expunge(order)  # detached as read: the rollback on leaving would expire it
    return order


async def write_off_if_confirmed(
    factory: async_sessionmaker[AsyncSession], order_id: uuid.UUID, *, by: uuid.UUID, now: datetime
) -> Order:
    """Fulfil a confirmed, unexpired order under its row lock; any other state is left alone
    (a repeat of the call, or a race with the fulfil route, fulfils once)."""
    async with unit_of_work(factory) as session:
        order = await orders.locked_or_404(session, order_id)
        if order.status == "confirmed" and (order.pickup_by is None or order.pickup_by > now):
            await orders.fulfil(session, order, by=by, now=now)
        await session.commit()  # nothing to write unless fulfilled; keeps `order` loaded
        return order


REFUSALS = {
    "fulfilled": "订单已核销",
    "expired": "订单已过期",
    "cancelled": "订单已取消",
    "failed": "订单未成功，无法交付",
    "pending_points": "订单尚未确认，请稍后再试",
}


async def fulfil_counter_order(
    session: AsyncSession, scope: StaffScope, order_id: uuid.UUID, *, now: datetime
) -> Order:
    """Write off a counter order by its id (the operator never sees its pickup code).
    Another community's or unknown → 404; an app order, or one not confirmed → 409."""
    order = await orders.locked(session, order_id)
    if order is None or not scope.covers(order.community_path):
        raise NotFound("订单不存在")
    if order.channel != "counter":
        raise Conflict("App 订单请凭居民出示的取货码核销", current=order.channel)
    if order.status != "confirmed":
        raise Conflict(REFUSALS.get(order.status, "订单状态不允许核销"), current=order.status)
    if order.pickup_by is not None and order.pickup_by <= now:
        raise Conflict(REFUSALS["expired"], current="expired")
    await orders.fulfil(session, order, by=uuid.UUID(scope.principal.sub), now=now)
    return order
