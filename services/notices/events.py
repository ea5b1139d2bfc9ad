"""Publishing notices' events through the outbox, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import EventData
from kit.events import new_event
from kit.outbox import add_event

SOURCE = "/services/notices"


async def publish(session: AsyncSession, data: EventData, *, subject: str) -> None:
    await add_event(session, new_event(data, source=SOURCE, subject=subject))
