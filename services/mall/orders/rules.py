"""The order's life as data, pickup codes and their QR payload, per-person limit periods.

Pure functions, unit-tested; the service applies them under the right locks.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from kit.states import Transitions

Action = Literal["confirm", "fail", "fulfil", "cancel", "expire"]

# (state, action) → next state; anything not listed is refused with 409.
FLOW: Transitions = {
    ("pending_points", "confirm"): "confirmed",
    ("pending_points", "fail"): "failed",
    ("pending_points", "cancel"): "cancelled",
    ("confirmed", "fulfil"): "fulfilled",
    ("confirmed", "cancel"): "cancelled",
    ("confirmed", "expire"): "expired",
}
# States an order counts against the per-person limit in (failed ones spent nothing).
COUNTED_STATES = ("pending_points", "confirmed", "fulfilled")
OPEN_STATES = ("pending_points", "confirmed")
# Leaving these gives the reserved stock back.
RETURNS_STOCK: frozenset[Action] = frozenset({"fail", "cancel", "expire"})

PICKUP_WINDOW = timedelta(days=7)
LOCAL = ZoneInfo("Asia/Shanghai")

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: read aloud or typed at a counter, nothing is mistaken.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8
QR_PREFIX = "SZM1"


def new_pickup_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a person typed (spaces, dashes, lower case) as a stored code."""
    return "".join(ch for ch in raw.upper() if ch not in " -")


def looks_like_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


def qr_payload(key: str, order_id: str, code: str) -> str:
    """The pickup QR: order and code signed by the mall, so a forged QR names no order."""
    return f"{QR_PREFIX}.{order_id}.{code}.{_sign(key, order_id, code)}"


def read_qr(key: str, payload: str) -> str | None:
    """The code inside a genuine pickup QR; None for anything else."""
    parts = payload.strip().split(".")
    if len(parts) != 4 or parts[0] != QR_PREFIX:
        return None
    _, order_id, code, signature = parts
    if not hmac.compare_digest(signature, _sign(key, order_id, code)):
        return None
    return code


def _sign(key: str, order_id: str, code: str) -> str:
    message = f"{order_id}.{code}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def period_window(period: str, at: datetime) -> Window:
    """The calendar period (Asia/Shanghai) containing `at`: day, ISO week, month or year."""
    day = at.astimezone(LOCAL).date()
    if period == "day":
        first, after = day, day + timedelta(days=1)
    elif period == "week":
        first = day - timedelta(days=day.weekday())
        after = first + timedelta(days=7)
    elif period == "month":
        first = day.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
    elif period == "year":
        first, after = date(day.year, 1, 1), date(day.year + 1, 1, 1)
    else:
        raise ValueError(f"unknown period {period!r}")
    return Window(_midnight(first), _midnight(after))


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL)


def within_limit(already: int, wanted: int, limit: int | None) -> bool:
    return limit is None or already + wanted <= limit


def on_sale(
    *,
    on_shelf: bool,
    available_from: datetime | None,
    available_until: datetime | None,
    at: datetime,
) -> bool:
    """Whether the item can be ordered at `at`."""
    if not on_shelf:
        return False
    if available_from is not None and at < available_from:
        return False
    return available_until is None or at < available_until
