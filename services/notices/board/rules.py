"""Pure rules of notices: the life of a notice, when it is in force, pinning."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from kit.errors import Conflict, Invalid

Category = Literal["party_affairs", "village_affairs", "finance", "government", "general"]
CATEGORIES: tuple[str, ...] = (
    "party_affairs",
    "village_affairs",
    "finance",
    "government",
    "general",
)
STATUSES: tuple[str, ...] = ("draft", "scheduled", "published", "withdrawn")
MAX_PINNED = 3

# draft → scheduled (publish_at) → published → withdrawn; a schedule may be called off.
FLOW = {
    ("draft", "publish"): "published",
    ("draft", "schedule"): "scheduled",
    ("scheduled", "release"): "published",
    ("scheduled", "withdraw"): "withdrawn",
    ("published", "withdraw"): "withdrawn",
}
# Which states a notice may be edited in (a withdrawn one is a closed record).
EDITABLE = ("draft", "scheduled", "published")


def publish_action(publish_at: datetime | None, now: datetime) -> str:
    """`schedule` when the notice names a time still ahead, else `publish` at once."""
    return "schedule" if publish_at is not None and publish_at > now else "publish"


def check_times(
    publish_at: datetime | None, expires_at: datetime | None, now: datetime | None = None
) -> None:
    """An expiry must come after the publication (and, when publishing now, after now)."""
    start = publish_at if publish_at is not None and (now is None or publish_at > now) else now
    if expires_at is not None and start is not None and expires_at <= start:
        raise Invalid("失效时间须晚于发布时间", field="expires_at")


def in_force(
    status: str, published_at: datetime | None, expires_at: datetime | None, now: datetime
) -> bool:
    """A resident sees a notice that is published and not yet expired."""
    if status != "published" or published_at is None:
        return False
    return expires_at is None or expires_at > now


def check_pin(status: str, pinned_in_unit: int) -> None:
    """Only a published notice is pinned, and a unit keeps at most MAX_PINNED pinned."""
    if status != "published":
        raise Conflict("只有已发布的公告可以置顶", field="status", current=status)
    if pinned_in_unit >= MAX_PINNED:
        raise Conflict(f"每个单位最多置顶 {MAX_PINNED} 条公告", field="pinned", limit=MAX_PINNED)


def check_sheet_category(category: str, has_sheet: bool) -> None:
    if has_sheet and category != "finance":
        raise Invalid("只有财务公开类公告可以附财务明细表", field="sheet")
