"""Scheduled work of the points service, each job a call into its area: claims whose publicity
ended vest (claims/vesting.py), points past their date expire (expiry/service.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.points.claims.vesting import vest_due_claims
from services.points.expiry.service import run_expiry

# How often each job runs, in seconds, on every replica (every job is replica-safe).
VEST_EVERY = 60.0
EXPIRY_EVERY = 3600.0


async def vest_claims(*, session_factory: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """Vest the claims whose publicity period has ended; returns how many."""
    return await vest_due_claims(session_factory=session_factory, now=now)


async def expire_points(
    *, session_factory: async_sessionmaker[AsyncSession], now: datetime
) -> dict[str, int]:
    """Expire points past their date and warn of those near it; returns the counts."""
    return await run_expiry(session_factory=session_factory, now=now)
