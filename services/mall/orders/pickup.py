"""Writing a pickup off at the counter (核销): find the order by its code (typed or scanned),
check it is this operator's, open and in time, and fulfil it. Every refusal changes nothing."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.deps import StaffScope
from kit.errors import Conflict, Invalid, NotFound
from services.mall.orders import rules
from services.mall.orders import service as orders
from services.mall.orders.models import Order

REFUSALS = {
    "fulfilled": "取货码已使用",
    "expired": "取货码已过期",
    "cancelled": "订单已取消",
    "failed": "订单未成功，无法取货",
    "pending_points": "订单尚未确认，请稍后再试",
}


def read_code(raw: str, qr_key: str) -> str:
    """The pickup code in what the operator typed or scanned; 422 on `code` if none."""
    if raw.strip().startswith(rules.QR_PREFIX + "."):
        code = rules.read_qr(qr_key, raw)
        if code is None:
            raise Invalid("二维码无效", field="code")
        return code
    code = rules.normalise_code(raw)
    if not rules.looks_like_code(code):
        raise Invalid("取货码格式不正确（8 位字母数字）", field="code")
    return code


async def write_off(
    session: AsyncSession,
    scope: StaffScope,
    *,
    code: str,
    counter_id: uuid.UUID | None,
    now: datetime,
) -> Order:
    open_first = case((Order.status == "confirmed", 0), else_=1)
    found = await session.scalars(
        select(Order)
        .where(Order.pickup_code == code)
        .order_by(open_first, Order.placed_at.desc())
        .limit(1)
        .with_for_update()
    )
    order = found.first()
    if order is None or not scope.covers(order.community_path):
        raise NotFound("取货码不存在", field="code")
    if counter_id is not None and counter_id != order.counter_id:
        raise Conflict(
            "该订单不在本兑换点取货", field="counter_id", order_counter_id=str(order.counter_id)
        )
    if order.status != "confirmed":
        raise Conflict(
            REFUSALS.get(order.status, "订单状态不允许取货"), field="code", current=order.status
        )
    if order.pickup_by is not None and order.pickup_by <= now:
        raise Conflict(REFUSALS["expired"], field="code", current="expired")
    await orders.fulfil(session, order, by=uuid.UUID(scope.principal.sub), now=now)
    return order
