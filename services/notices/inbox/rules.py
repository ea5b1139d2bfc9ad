"""Pure rules of the inbox: which event tells whom what (Chinese text, a link), and the wire
formats of the stream and of WeChat's subscription messages."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from contracts import EventData, mall, petitions, points

LOCAL = ZoneInfo("Asia/Shanghai")
POINTS_PAGE = "/pages/points/index"
HOLD_REASONS = {
    "insufficient": "可用积分不足",
    "unverified": "尚未完成实名认证",
    "unknown_resident": "账户信息有误，请联系社区工作人员",
}


@dataclass(frozen=True)
class Draft:
    """A message for one person, before it has an id."""

    resident_id: str
    kind: str
    title: str
    body: str
    link: str


def petition_link(petition_id: str) -> str:
    return f"/pages/petitions/detail?id={petition_id}"


def order_link(order_id: str) -> str:
    return f"/pages/mall/order?id={order_id}"


def notice_link(notice_id: str) -> str:
    return f"/pages/notices/detail?id={notice_id}"


def _awarded(d: points.PointsAwarded) -> list[Draft]:
    body = f"您获得 {d.points} 积分。" if d.points else "本次未获得积分。"
    if d.capped:
        body += f"已达该项积分上限，{d.capped} 分未计入。"
    return [Draft(d.resident_id, "points.awarded", "积分到账", body, POINTS_PAGE)]


def _deducted(d: points.PointsDeducted) -> list[Draft]:
    body = f"您被扣减 {d.points} 积分。"
    if d.debt:
        body += f"可用积分不足，{d.debt} 分记为待扣。"
    return [Draft(d.resident_id, "points.deducted", "积分扣减", body, POINTS_PAGE)]


def _reversed(d: points.PostingReversed) -> list[Draft]:
    body = f"您的一笔积分记录已更正，原因：{d.reason}"
    return [Draft(d.resident_id, "points.reversed", "积分更正", body, POINTS_PAGE)]


def _claim_reviewed(d: points.ClaimReviewed) -> list[Draft]:
    link = f"/pages/points/claim?id={d.claim_id}"
    if d.decision == "approve":
        body = "您的积分申报已通过审核"
        if d.publicity_ends_at is not None:
            body += f"，公示至 {local_date(d.publicity_ends_at)} 后入账"
        return [Draft(d.resident_id, "points.claim_approved", "积分申报已通过", body + "。", link)]
    body = "您的积分申报未通过审核" + (f"，原因：{d.reason}" if d.reason else "。")
    return [Draft(d.resident_id, "points.claim_rejected", "积分申报未通过", body, link)]


def _claim_vested(d: points.ClaimVested) -> list[Draft]:
    body = f"公示期满，申报的 {d.points} 积分已计入您的账户。"
    return [Draft(d.resident_id, "points.claim_vested", "申报积分已到账", body, POINTS_PAGE)]


def _expiring(d: points.PointsExpiringSoon) -> list[Draft]:
    body = f"您有 {d.points} 积分将于 {d.expires_on.isoformat()} 过期，请及时兑换使用。"
    return [Draft(d.resident_id, "points.expiring_soon", "积分即将过期", body, POINTS_PAGE)]


def _hold_rejected(d: points.HoldRejected) -> list[Draft]:
    body = f"您的兑换订单未能完成：{HOLD_REASONS[d.reason]}。"
    link = order_link(d.order_id)
    return [Draft(d.resident_id, "points.hold_rejected", "兑换未成功", body, link)]


PETITION_TEXT: dict[type[EventData], tuple[str, str]] = {
    petitions.PetitionSubmitted: ("诉求已提交", "您的诉求“{t}”已提交，我们会尽快受理。"),
    petitions.PetitionAccepted: ("诉求已受理", "您的诉求“{t}”已受理。"),
    petitions.PetitionRejected: ("诉求未受理", "您的诉求“{t}”未受理。"),
    petitions.PetitionAssigned: ("诉求已交办", "您的诉求“{t}”已交由专人办理。"),
    petitions.PetitionResolved: ("诉求已办结", "您的诉求“{t}”已办结，请查看答复并评价。"),
    petitions.PetitionReopened: ("诉求重新办理", "您的诉求“{t}”已重新办理。"),
    petitions.PetitionClosed: ("诉求已结案", "您的诉求“{t}”已结案，感谢参与。"),
    petitions.PetitionEscalated: ("诉求已升级督办", "您的诉求“{t}”已提交上级督办。"),
}


def _petition(d: petitions.PetitionEvent) -> list[Draft]:
    title, body = PETITION_TEXT[type(d)]
    body = body.format(t=d.title)
    if isinstance(d, petitions.PetitionRejected):
        body += f"原因：{d.reason}"
    link = petition_link(d.petition_id)
    kind = f"petitions.{d.status}"
    drafts = [Draft(d.author_id, kind, title, body, link)]
    if isinstance(d, petitions.PetitionAssigned) and d.assignee_id:
        todo = f"诉求“{d.title}”已交由您办理，请及时处理。"
        drafts.append(Draft(d.assignee_id, "petitions.todo", "新的待办诉求", todo, link))
    return drafts


def _adopted(d: petitions.PetitionAdopted) -> list[Draft]:
    body = "您提出的建议已被社区采纳，感谢您的参与。"
    link = petition_link(d.petition_id)
    return [Draft(d.resident_id, "petitions.adopted", "建议已被采纳", body, link)]


ORDER_TEXT: dict[type[EventData], tuple[str, str, str]] = {
    mall.OrderPlaced: ("mall.placed", "订单已提交", "您的兑换订单已提交，正在确认积分。"),
    mall.OrderFulfilled: ("mall.fulfilled", "兑换完成", "您已在兑换点领取商品，兑换完成。"),
    mall.OrderCancelled: ("mall.cancelled", "订单已取消", "您的兑换订单已取消，积分已退回。"),
    mall.OrderExpired: ("mall.expired", "订单已过期", "您的订单超时未领取，积分已退回。"),
}


Order = mall.OrderPlaced | mall.OrderFulfilled | mall.OrderCancelled | mall.OrderExpired


def _confirmed(d: mall.OrderConfirmed) -> list[Draft]:
    """Ready at the counter. The pickup code stays in the mall: the link opens the order."""
    body = f"积分已确认，请于 {local_minute(d.pickup_by)} 前到兑换点出示取货码领取商品。"
    return [
        Draft(d.resident_id, "mall.confirmed", "兑换成功，待取货", body, order_link(d.order_id))
    ]


def _order(d: Order) -> list[Draft]:
    kind, title, body = ORDER_TEXT[type(d)]
    return [Draft(d.resident_id, kind, title, body, order_link(d.order_id))]


COMPOSERS: dict[type[EventData], Callable[[Any], list[Draft]]] = {
    points.PointsAwarded: _awarded,
    points.PointsDeducted: _deducted,
    points.PostingReversed: _reversed,
    points.ClaimReviewed: _claim_reviewed,
    points.ClaimVested: _claim_vested,
    points.PointsExpiringSoon: _expiring,
    points.HoldRejected: _hold_rejected,
    petitions.PetitionAdopted: _adopted,
    mall.OrderConfirmed: _confirmed,
    **dict.fromkeys(PETITION_TEXT, _petition),
    **dict.fromkeys(ORDER_TEXT, _order),
}


def compose(data: EventData) -> list[Draft]:
    """The messages an event makes (one per person it concerns)."""
    return COMPOSERS[type(data)](data)


def notice_draft(title: str) -> tuple[str, str]:
    """Title and body of the message a `require_ack` notice sends to each resident in scope."""
    return "重要公告待确认", f"“{title[:180]}”已发布，请阅读并确认。"


def local_date(at: datetime) -> str:
    return at.astimezone(LOCAL).date().isoformat()


def local_minute(at: datetime) -> str:
    return at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def topic_of(kind: str) -> str:
    """What a message is about ("points", "petitions", "mall", "notices"): picks the template."""
    return kind.split(".", 1)[0]


def wechat_data(*, title: str, body: str, created_at: datetime) -> dict[str, dict[str, str]]:
    """Template fields: WeChat's `thing` values take at most 20 characters."""
    return {
        "thing1": {"value": clip(title, 20)},
        "thing2": {"value": clip(body, 20)},
        "time3": {"value": local_minute(created_at)},
    }


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sse_event(seq: int, payload: dict[str, Any]) -> str:
    """One Server-Sent Event; its id is the message's seq, which `Last-Event-ID` resumes from."""
    return f"id: {seq}\nevent: message\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"


HEARTBEAT = ": keepalive\n\n"


def resume_point(header: str | None, query: str | None) -> int | None:
    """The seq a reconnecting client last saw (header first), None when absent or not a seq."""
    for value in (header, query):
        text = (value or "").strip()
        # At most 18 digits: a seq is a bigint; anything longer is not one of ours.
        if text.isascii() and text.isdigit() and len(text) <= 18:
            return int(text)
    return None


class PushOutcome(StrEnum):
    SENT = "sent"
    # The person refused, or their one-time consent is used up (43101): never retried.
    REFUSED = "refused"
    # WeChat away or a transient error: tried again later, up to MAX_PUSH_ATTEMPTS.
    RETRY = "retry"
    # An error no retry can fix (a bad template, a bad openid).
    FAILED = "failed"


MAX_PUSH_ATTEMPTS = 6
USER_REFUSED = 43101
# Errors a retry might get past: system busy, rate limits, a token still invalid after renewal.
TRANSIENT = frozenset({-1, 40001, 40014, 42001, 45009, 45011})


def push_outcome(errcode: int) -> PushOutcome:
    if errcode == 0:
        return PushOutcome.SENT
    if errcode == USER_REFUSED:
        return PushOutcome.REFUSED
    return PushOutcome.RETRY if errcode in TRANSIENT else PushOutcome.FAILED


def push_backoff(attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: 10 s, 20 s, 40 s ... at most 10 minutes."""
    return timedelta(seconds=min(10 * 2 ** max(attempts - 1, 0), 600))
