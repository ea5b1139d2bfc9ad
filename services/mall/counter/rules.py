"""Pure rules of counter redemption: how the resident was identified, how long to poll, and
what the operator is told for each state the order is in when the call answers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from kit.errors import Invalid

Outcome = Literal["fulfilled", "failed", "pending", "closed"]

# The order is closed one way or the other: the call created it and says how it ended.
DONE = 201
# Points has not answered yet (or the write-off is still to do): poll the order.
WAITING = 202

FAILURES = {
    "insufficient": "积分不足，兑换未成功",
    "unverified": "居民尚未完成实名认证，兑换未成功",
    "unknown_resident": "未找到居民的积分账户，兑换未成功",
}
MESSAGES = {
    "fulfilled": "兑换成功，请将商品交给居民",
    "pending_points": "正在确认积分，请稍后查看订单",
    "confirmed": "积分已确认，请核销订单后交付商品",
    "cancelled": "订单已取消",
    "expired": "订单已过期",
}


@dataclass(frozen=True)
class ByMemberCode:
    token: str


@dataclass(frozen=True)
class ByPhone:
    phone: str
    id_last4: str


Identification = ByMemberCode | ByPhone


def identification(
    *, member_code: str | None, phone: str | None, id_last4: str | None
) -> Identification:
    """Exactly one way: the scanned member code, or phone + last four of the ID number.
    A blank value counts as absent; anything else is a 422 naming the field to fix."""
    code, phone, last4 = _given(member_code), _given(phone), _given(id_last4)
    if code is not None:
        if phone is not None or last4 is not None:
            field = "phone" if phone is not None else "id_last4"
            raise Invalid("会员码与手机号+身份证号后四位只能选一种", field=field)
        return ByMemberCode(code)
    if phone is not None and last4 is not None:
        return ByPhone(phone, last4)
    if phone is not None:
        raise Invalid("请填写身份证号后四位", field="id_last4")
    if last4 is not None:
        raise Invalid("请填写手机号", field="phone")
    raise Invalid("请扫描会员码，或填写手机号和身份证号后四位", field="member_code")


def _given(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def outcome(order_status: str) -> Outcome:
    """The call's outcome in one word: fulfilled, failed, pending (poll), closed (other)."""
    if order_status == "fulfilled":
        return "fulfilled"
    if order_status == "failed":
        return "failed"
    return "pending" if order_status in ("pending_points", "confirmed") else "closed"


def status_code(order_status: str) -> int:
    """201 once the order is closed (fulfilled, failed, …); 202 while it is still open."""
    return WAITING if order_status in ("pending_points", "confirmed") else DONE


def message(order_status: str, failure_reason: str | None) -> str:
    """What the operator reads out to the resident."""
    if order_status == "failed":
        return FAILURES.get(failure_reason or "", "兑换未成功")
    return MESSAGES.get(order_status, "订单状态已更新")


def poll_delays(total: float, *, first: float = 0.02, cap: float = 0.25) -> Iterator[float]:
    """Sleeps that add up to `total`: short at first (points usually answers within a few
    hundred milliseconds), doubling up to `cap` so a slow answer costs few queries."""
    left, delay = total, first
    while left > 0:
        step = min(delay, left)
        yield step
        left -= step
        delay = min(delay * 2, cap)
