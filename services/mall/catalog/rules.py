"""Pure rules of the catalog: opening hours, an item's limit and sale window, stock changes."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from kit.errors import Invalid

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_DELTA = 10_000
LIMIT_WITH_PERIOD = "限购数量与限购周期须同时填写"
WINDOW_ORDER = "下架时间须晚于上架时间"
RESTOCK_POSITIVE = "补货数量须大于 0"


def check_hours(open_at: str, close_at: str) -> str | None:
    """Why an opening-hours entry is wrong, or None: closing must come after opening."""
    if close_at <= open_at:
        return "关门时间须晚于开门时间"
    return None


def check_limit(per_person_limit: int | None, limit_period: str | None) -> tuple[str, str] | None:
    """(field, reason) if a per-person limit comes without its period or the other way round."""
    if per_person_limit is None and limit_period is not None:
        return "per_person_limit", LIMIT_WITH_PERIOD
    if per_person_limit is not None and limit_period is None:
        return "limit_period", LIMIT_WITH_PERIOD
    return None


def check_window(available_from: datetime | None, available_until: datetime | None) -> str | None:
    """Why a sale window is wrong, or None: it must end after it starts."""
    if available_from is None or available_until is None:
        return None
    return WINDOW_ORDER if available_until <= available_from else None


def merged_item(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The item's fields after a patch, checked as a whole: a patch that sets only
    `available_until` must still end after the stored `available_from`. Invalid if not."""
    merged = {**current, **changes}
    limit = check_limit(merged.get("per_person_limit"), merged.get("limit_period"))
    if limit is not None:
        field = limit[0] if limit[0] in changes else _other(limit[0])
        raise Invalid(limit[1], field=field)
    window = check_window(merged.get("available_from"), merged.get("available_until"))
    if window is not None:
        field = "available_until" if "available_until" in changes else "available_from"
        raise Invalid(window, field=field)
    return merged


def _other(field: str) -> str:
    return "limit_period" if field == "per_person_limit" else "per_person_limit"


def check_stock_change(delta: int, reason: str) -> str | None:
    """Why a manual stock change is refused before touching the database, or None."""
    if reason == "restock" and delta <= 0:
        return RESTOCK_POSITIVE
    return None
