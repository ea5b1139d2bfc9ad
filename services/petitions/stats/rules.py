"""The dashboard's period and figure maths (pure, unit-tested).

A plain date is a whole Asia/Shanghai day: `from=2026-11-01` starts at that day's local
midnight and `to=2026-11-30` includes the 30th (the period ends at the next local midnight).
A datetime is taken as given (a naive one as Asia/Shanghai time) and `to` is exclusive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kit.errors import Invalid

LOCAL = ZoneInfo("Asia/Shanghai")
DEFAULT_PERIOD = timedelta(days=30)
# A year, a leap year's 1 January to 31 December included.
MAX_PERIOD = timedelta(days=366)
HAPPY = 4  # ratings 4-5 count as satisfied


def bound(text: str, *, field: str, end: bool) -> datetime:
    """One end of the period in UTC; a plain date is the start (or, for `to`, the end) of
    that Asia/Shanghai day."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return datetime.combine(day, time(), LOCAL).astimezone(UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("日期格式应为 YYYY-MM-DD 或 ISO 8601 时间", field=field) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    return moment.astimezone(UTC)


def period(start: str | None, end: str | None, *, now: datetime) -> tuple[datetime, datetime]:
    """[from, to) in UTC: the last 30 days by default; at most a year; from before to."""
    upper = bound(end, field="to", end=True) if end else now
    lower = bound(start, field="from", end=False) if start else upper - DEFAULT_PERIOD
    if lower >= upper:
        raise Invalid("开始时间须早于结束时间", field="from")
    if upper - lower > MAX_PERIOD:
        raise Invalid("统计区间最长为一年", field="to")
    return lower, upper


def share(part: int, whole: int) -> float | None:
    """part / whole to four places; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 2) if seconds is not None else None


def average(value: float | None) -> float | None:
    return round(float(value), 2) if value is not None else None


def by_name(rows: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    """Category counts summed by name across communities (each keeps its own categories),
    most first, then by name."""
    counts: Counter[str] = Counter()
    for name, count in rows:
        counts[name] += count
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
