"""Scheduled work of the petitions service, each job a call into its area: missed deadlines
escalate and unrated resolutions close (deadlines/service.py), old Idempotency-Keys go."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.petitions.deadlines import service as deadlines

# How often each job runs, in seconds, on every replica (every job is replica-safe).
DEADLINES_EVERY = 60.0
PURGE_EVERY = 3600.0


async def enforce_deadlines(
    *, session_factory: async_sessionmaker[AsyncSession], now: datetime
) -> dict[str, int]:
    """Escalate missed deadlines and close unrated resolutions; returns the counts."""
    return await deadlines.run_deadlines(session_factory=session_factory, now=now)


async def purge_idempotency_keys(
    *, session_factory: async_sessionmaker[AsyncSession], now: datetime
) -> int:
    """Forget Idempotency-Keys past their retry window; returns how many."""
    return await deadlines.forget_idempotency_keys(session_factory=session_factory, now=now)
