"""Pure rules of expiry: the points left per year earned (oldest spent first), the deadlines
of a policy of N years, and the warning window. No I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

WARNING_DAYS = 30
Movement = tuple[date, int]  # (local date of the fact, signed points in or out of the wallet)


def remaining_by_year(movements: Iterable[Movement]) -> dict[int, int]:
    """Points still in the wallet per year earned.

    A positive movement is points earned on that date (one posting net of its reversal); a
    negative one left the wallet (spent, deducted, expired). What left consumed the oldest
    points first; since the wallet never goes below zero, the total that left can be taken
    from the oldest earnings without replaying the order of events.
    """
    moves = list(movements)
    gone = -sum(amount for _, amount in moves if amount < 0)
    left: dict[int, int] = {}
    for on, amount in sorted(m for m in moves if m[1] > 0):
        used = min(amount, gone)
        gone -= used
        if amount > used:
            left[on.year] = left.get(on.year, 0) + amount - used
    return left


def due(movements: Iterable[Movement], *, earned_up_to: int) -> int:
    """Unspent points earned in `earned_up_to` or before."""
    return sum(n for year, n in remaining_by_year(movements).items() if year <= earned_up_to)


@dataclass(frozen=True)
class Deadline:
    expires_on: date  # the last local day the points count
    earned_up_to: int  # the youngest year of earnings that expire then
    points: int = 0  # how many (only where a schedule is shown to the resident)


def passed_deadline(today: date, years: int) -> Deadline:
    """The latest end of year already behind `today`: earnings up to N years before it are gone."""
    return Deadline(date(today.year - 1, 12, 31), today.year - 1 - years)


def coming_deadline(today: date, years: int) -> Deadline:
    return Deadline(date(today.year, 12, 31), today.year - years)


def warns(today: date, expires_on: date) -> bool:
    """Whether `today` is within the warning period before `expires_on`."""
    return expires_on - timedelta(days=WARNING_DAYS) <= today <= expires_on


def schedule(movements: Iterable[Movement], *, years: int, available: int) -> list[Deadline]:
    """What will expire when, for the resident to see: one deadline per year of unspent
    earnings (year Y's go at the end of Y + `years`), soonest first.

    The job never takes more than the available points (held points are spared), so the
    amounts shown are capped the same way, soonest deadline first.
    """
    left = max(available, 0)
    out: list[Deadline] = []
    for year, points in sorted(remaining_by_year(movements).items()):
        shown = min(points, left)
        left -= shown
        if shown:
            out.append(Deadline(date(year + years, 12, 31), year, shown))
    return out
