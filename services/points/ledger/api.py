"""Staff work on the ledger: /api/points/adjustments and /api/points/postings/{id}/reversal."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.points.deps import Now, PointsStaff, Session
from services.points.ledger import service
from services.points.ledger.schemas import AdjustmentIn, PostingOut, ReversalIn

router = APIRouter(tags=["staff"])


@router.post("/adjustments", status_code=201)
async def adjust(body: AdjustmentIn, scope: PointsStaff, session: Session, now: Now) -> PostingOut:
    posting_id = await service.adjust(
        session=session,
        staff=scope,
        resident_id=body.resident_id,
        amount=body.amount,
        item_code=body.item_code,
        reason=body.reason,
        now=now,
    )
    await session.commit()
    return PostingOut.model_validate(await service.get_posting(session, posting_id))


@router.post("/postings/{posting_id}/reversal", status_code=201)
async def reverse(
    posting_id: uuid.UUID, body: ReversalIn, scope: PointsStaff, session: Session, now: Now
) -> PostingOut:
    new_id = await service.reverse_for_staff(
        session=session, staff=scope, posting_id=posting_id, reason=body.reason, now=now
    )
    await session.commit()
    return PostingOut.model_validate(await service.get_posting(session, new_id))
