"""Staff work on unmatched volunteer activities: /api/points/communities/{id}/unmatched and
/api/points/unmatched/{id}/resolve."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.points.awards import unmatched as service
from services.points.awards.schemas import UnmatchedOut, UnmatchedResolveIn
from services.points.deps import PointsStaff, Session

router = APIRouter(tags=["staff"])


@router.get("/communities/{community_id}/unmatched")
async def unmatched(
    community_id: uuid.UUID, scope: PointsStaff, session: Session
) -> list[UnmatchedOut]:
    rows = await service.list_open(session=session, staff=scope, community_id=community_id)
    return [UnmatchedOut.of(r) for r in rows]


@router.post("/unmatched/{unmatched_id}/resolve")
async def resolve_unmatched(
    unmatched_id: uuid.UUID, body: UnmatchedResolveIn, scope: PointsStaff, session: Session
) -> UnmatchedOut:
    row = await service.resolve(
        session=session,
        staff=scope,
        unmatched_id=unmatched_id,
        action=body.action,
        item_code=body.item_code,
        reason=body.reason,
    )
    await session.commit()
    return UnmatchedOut.of(row)
