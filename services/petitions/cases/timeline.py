"""Writing a petition's timeline: status changes, replies, notes, progress, ratings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.petitions.cases.models import Petition, TimelineEntry


async def add_entry(
    session: AsyncSession,
    petition: Petition,
    *,
    at: datetime,
    kind: str,
    public: bool,
    actor_role: str,
    actor_id: str | None = None,
    action: str | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    body: str | None = None,
    progress: int | None = None,
    attachment_ids: Sequence[str] = (),
) -> TimelineEntry:
    """Append one entry; `seq` orders entries written at the same instant. The caller holds
    the petition's row lock (or has just created it), so `seq` cannot race."""
    last = await session.scalar(
        select(func.coalesce(func.max(TimelineEntry.seq), 0)).where(
            TimelineEntry.petition_id == petition.id
        )
    )
    entry = TimelineEntry(
        petition_id=petition.id,
        seq=int(last or 0) + 1,
        at=at,
        kind=kind,
        public=public,
        actor_role=actor_role,
        actor_id=actor_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        body=body,
        progress=progress,
        attachment_ids=list(attachment_ids),
    )
    session.add(entry)
    await session.flush()
    return entry


async def entries(
    session: AsyncSession, petition: Petition, *, public_only: bool
) -> list[TimelineEntry]:
    stmt = select(TimelineEntry).where(TimelineEntry.petition_id == petition.id)
    if public_only:
        stmt = stmt.where(TimelineEntry.public)
    rows = await session.scalars(stmt.order_by(TimelineEntry.at, TimelineEntry.seq))
    return list(rows)
