"""Publishing the mall's events through the outbox, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import EventData
from kit.events import new_event
from kit.outbox import add_event

SOURCE = "/services/mall"


async def publish(session: AsyncSession, data: EventData, *, subject: str) -> None:
    """Order events go out keyed by the order id (`subject`), so one order's stay in order."""
    await add_event(session, new_event(data, source=SOURCE, subject=subject))
