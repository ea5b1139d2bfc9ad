"""Pure rules of the red lists: which aggregate a board period reads."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from services.points.ledger.rules import periods

By = Literal["resident", "household"]
Period = Literal["month", "year", "all"]


def period_key(period: Period, now: datetime) -> str:
    """The score period a board of `period` shows at `now` (this local month or year, or all)."""
    month, year, everything = periods(now)
    return {"month": month, "year": year, "all": everything}[period]
