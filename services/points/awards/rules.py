"""Pure rules of awards: the caps of a points-list item, and the life of an unmatched activity.

Caps bound what one resident earns from one item per local day, month and year; what is over
a cap is recorded on the posting as `capped`, never credited. No I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Literal

from kit.errors import Invalid
from services.points.base import LOCAL
from services.points.listing.rules import Caps

CapPeriod = Literal["day", "month", "year"]
CAP_PERIODS: tuple[CapPeriod, ...] = ("day", "month", "year")

# An unmatched volunteer activity, as data: staff map it to an item or dismiss it, once.
UNMATCHED_FLOW: dict[tuple[str, str], str] = {
    ("open", "map"): "mapped",
    ("open", "dismiss"): "dismissed",
}
UNMATCHED_DONE = "该记录已处理"


def cap_windows(at: datetime) -> dict[CapPeriod, datetime]:
    """Where the local day, month and year of `at` begin (as aware local datetimes)."""
    day = at.astimezone(LOCAL).replace(hour=0, minute=0, second=0, microsecond=0)
    return {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}


def capped_amount(amount: int, used: int, cap: int | None) -> int:
    """How much of `amount` still fits under `cap` when `used` is already counted."""
    if cap is None:
        return amount
    return max(0, min(amount, cap - used))


def active_caps(caps: Caps) -> dict[CapPeriod, int]:
    """The periods the item is capped in, with their caps."""
    found = {period: getattr(caps, period) for period in CAP_PERIODS}
    return {period: cap for period, cap in found.items() if cap is not None}


def allowed_under_caps(amount: int, caps: Caps, used: Mapping[CapPeriod, int]) -> int:
    """How much of a positive `amount` fits under every cap, given what each window has used."""
    allowed = amount
    for period, cap in active_caps(caps).items():
        allowed = min(allowed, capped_amount(amount, used.get(period, 0), cap))
    return allowed


def check_resolution(action: str, *, item_code: str | None, reason: str | None) -> None:
    """Mapping names the item to award by; dismissing says why."""
    if action == "dismiss" and not reason:
        raise Invalid("驳回需要填写理由", field="reason")
    if action == "map" and not item_code:
        raise Invalid("请选择积分项目", field="item_code")


def activity_title(envelope: Mapping[str, object]) -> str:
    """The activity's title from a parked volunteer push ('' when the push has none)."""
    data = envelope.get("data")
    activity = data.get("activity") if isinstance(data, dict) else None
    return str(activity.get("title", "")) if isinstance(activity, dict) else ""
