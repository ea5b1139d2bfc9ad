"""The roster staff read at the place: who has a place, who waits, who came."""

from __future__ import annotations

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.deps import StaffScope
from kit.pagination import decode_cursor, keyset_page
from services.notices.activities.models import Participant
from services.notices.activities.schemas import ParticipantOut, ParticipantPage
from services.notices.activities.service import for_staff
from services.notices.directory.models import Resident


async def roster(
    *,
    session: AsyncSession,
    scope: StaffScope,
    activity_id: uuid.UUID,
    cursor: str | None,
    limit: int,
) -> ParticipantPage:
    """Everyone who signed up, was marked or walked in, in the order they first came."""
    await for_staff(session, scope, activity_id)
    stmt = (
        select(Participant, Resident.name)
        .outerjoin(Resident, Resident.id == Participant.resident_id)
        .where(Participant.activity_id == activity_id)
    )
    if cursor:
        at, after = decode_cursor(cursor)
        stmt = stmt.where(tuple_(Participant.created_at, Participant.id) > tuple_(at, after))
    stmt = stmt.order_by(Participant.created_at, Participant.id).limit(limit + 1)
    rows = [(place, name) for place, name in (await session.execute(stmt)).all()]
    items, next_cursor = keyset_page(rows, limit, lambda r: (r[0].created_at, r[0].id))
    return ParticipantPage(items=[_out(p, name) for p, name in items], next_cursor=next_cursor)


def _out(place: Participant, name: str | None) -> ParticipantOut:
    return ParticipantOut(
        resident_id=place.resident_id,
        name=name,
        status=place.status,
        seq=place.seq,
        checked_in_at=place.checked_in_at,
        checked_out_at=place.checked_out_at,
        hours=float(place.hours) if place.hours is not None else None,
    )
