"""Claims (申报 → 审核 → 公示): /api/points/claims, objections and the public notice board.

Who sees which claims on GET /claims: see claims/reads.py.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from kit.deps import CurrentPrincipal, VerifiedResident
from services.points.claims import reads
from services.points.claims import service as claims
from services.points.claims.rules import ClaimDraft
from services.points.claims.schemas import (
    ClaimCreate,
    ClaimOut,
    ClaimPage,
    ClaimStatus,
    NoticeOut,
    ObjectionCreate,
    ObjectionOut,
    ResolveIn,
    ReviewIn,
    claim_out,
)
from services.points.deps import Now, PointsStaff, Session

router = APIRouter(tags=["claims"])


@router.post("/claims", status_code=201)
async def submit_claim(
    body: ClaimCreate, resident: VerifiedResident, session: Session, now: Now
) -> ClaimOut:
    draft = ClaimDraft(
        item_code=body.item_code,
        occurred_on=body.occurred_on,
        description=body.description,
        evidence=body.evidence,
    )
    claim = await claims.submit(
        session=session, resident_id=claims.resident_id_of(resident.sub), draft=draft, now=now
    )
    await session.commit()
    return claim_out(claim, [])


@router.get("/claims")
async def list_claims(
    principal: CurrentPrincipal,
    session: Session,
    community_id: uuid.UUID | None = None,
    status: ClaimStatus | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ClaimPage:
    return await reads.claims_page(
        session=session,
        principal=principal,
        community_id=community_id,
        status=status,
        cursor=cursor,
        limit=limit,
    )


@router.post("/claims/{claim_id}/review")
async def review_claim(
    claim_id: uuid.UUID, body: ReviewIn, staff: PointsStaff, session: Session, now: Now
) -> ClaimOut:
    claim = await claims.review(
        session=session,
        staff=staff,
        claim_id=claim_id,
        decision=body.decision,
        reason=body.reason,
        now=now,
    )
    out = await reads.claim_with_objections(session, claim)
    await session.commit()
    return out


@router.post("/claims/{claim_id}/objections", status_code=201)
async def object_to_claim(
    claim_id: uuid.UUID,
    body: ObjectionCreate,
    resident: VerifiedResident,
    session: Session,
    now: Now,
) -> ObjectionOut:
    objection = await claims.object_to(
        session=session,
        objector=claims.resident_id_of(resident.sub),
        claim_id=claim_id,
        reason=body.reason,
        now=now,
    )
    await session.commit()
    return ObjectionOut.model_validate(objection)


@router.post("/objections/{objection_id}/resolve")
async def resolve_objection(
    objection_id: uuid.UUID, body: ResolveIn, staff: PointsStaff, session: Session
) -> ClaimOut:
    """Answers the claim as it now stands, with its objections."""
    _, claim = await claims.resolve(
        session=session,
        staff=staff,
        objection_id=objection_id,
        decision=body.decision,
        reason=body.reason,
    )
    out = await reads.claim_with_objections(session, claim)
    await session.commit()
    return out


@router.get("/communities/{community_id}/publicity")
async def publicity_board(community_id: uuid.UUID, session: Session) -> list[NoticeOut]:
    """Public: claims under public notice in the community, names masked."""
    notices = await reads.publicity_board(session=session, community_id=community_id)
    return [NoticeOut.model_validate(n) for n in notices]
