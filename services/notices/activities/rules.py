"""Pure rules of activities: states, sign-up and check-in windows, rotating codes, hours."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

ACTIVITY_STATUSES = ("open", "running", "completed", "cancelled")
PARTICIPANT_STATUSES = ("confirmed", "waiting", "cancelled", "walk_in")
# A place that counts: confirmed sign-ups and walk-ins staff marked present.
PRESENT_STATUSES = ("confirmed", "walk_in")

FLOW = {
    ("open", "start"): "running",
    ("open", "complete"): "completed",
    ("running", "complete"): "completed",
    ("open", "cancel"): "cancelled",
    ("running", "cancel"): "cancelled",
}

CODE_DIGITS = 6
WINDOW_SECONDS = 60
# Residents may check in from half an hour before the start, as people gather.
EARLY_CHECKIN = timedelta(minutes=30)
QR_PREFIX = "SZA1"


def signup_deadline(starts_at: datetime, signup_closes_at: datetime | None) -> datetime:
    """Sign-up closes at its own deadline, or when the activity starts."""
    return signup_closes_at or starts_at


def checkin_open(now: datetime, starts_at: datetime, ends_at: datetime) -> bool:
    return starts_at - EARLY_CHECKIN <= now <= ends_at


def window_of(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def window_start(window: int) -> datetime:
    return datetime.fromtimestamp(window * WINDOW_SECONDS, UTC)


def code_for(key: bytes, activity_id: str, window: int) -> str:
    """The check-in code of one activity in one time window (HOTP-style truncation)."""
    digest = hmac.new(key, f"checkin:{activity_id}:{window}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") % 10**CODE_DIGITS
    return f"{number:0{CODE_DIGITS}d}"


def accepted_window(key: bytes, activity_id: str, code: str, now: datetime) -> int | None:
    """The window whose code `code` is, if it is the current or the previous one."""
    current = window_of(now)
    for window in (current, current - 1):
        if hmac.compare_digest(code_for(key, activity_id, window), code):
            return window
    return None


def code_valid_until(window: int) -> datetime:
    """A window's code is accepted through the next window too."""
    return window_start(window + 2)


def _qr_signature(key: bytes, body: str) -> str:
    digest = hmac.new(key, f"qr:{body}".encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def qr_payload(key: bytes, activity_id: str, window: int) -> str:
    """What the staff screen's QR code carries: activity, window and code, signed."""
    body = f"{QR_PREFIX}.{activity_id}.{window}.{code_for(key, activity_id, window)}"
    return f"{body}.{_qr_signature(key, body)}"


def code_from_qr(key: bytes, activity_id: str, payload: str) -> str | None:
    """The code a genuine QR payload for this activity carries; None for anything else."""
    parts = payload.split(".")
    if len(parts) != 5 or parts[0] != QR_PREFIX or parts[1] != activity_id:
        return None
    body = ".".join(parts[:4])
    if not hmac.compare_digest(_qr_signature(key, body), parts[4]):
        return None
    return parts[3]


def hours_between(checked_in_at: datetime, checked_out_at: datetime) -> Decimal | None:
    """Hours present, rounded to the nearest half hour; None under a quarter of an hour."""
    return round_hours(Decimal((checked_out_at - checked_in_at).total_seconds()) / 3600)


def round_hours(hours: Decimal) -> Decimal | None:
    halves = (hours * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    rounded = min(halves / 2, Decimal(24))
    return rounded if rounded > 0 else None
