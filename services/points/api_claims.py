"""Claims (申报 → 审核 → 公示): /api/points/claims, objections and the public notice board.

Who sees which claims on GET /claims: a caller holding a points-staff role who names a
`community_id` gets that community's claims (404 outside their units); everyone else, and
staff who name no community, get their own claims.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal, Role
from kit.deps import CurrentPrincipal, StaffScope, VerifiedResident
from kit.pagination import Page, keyset_page
from kit.schemas import In
from services.points import claims, scope
from services.points.deps import Now, PointsStaff, Session
from services.points.models_flow import Claim, Objection

router = APIRouter(tags=["claims"])

# The roles of deps.PointsStaff: they review claims and resolve objections.
REVIEWERS: tuple[Role, ...] = ("district_admin", "community_admin", "community_staff")

ClaimStatus = Literal["submitted", "publicity", "rejected", "vested"]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
EvidenceUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://[^\s/]+\S*$")
]


class ClaimCreate(In):
    item_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    occurred_on: date
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
    ]
    evidence: list[EvidenceUrl] = Field(default_factory=list, max_length=9)


class ReviewIn(In):
    decision: Literal["approve", "reject"]
    reason: Reason | None = None


class ObjectionCreate(In):
    reason: Reason


class ResolveIn(In):
    decision: Literal["uphold", "dismiss"]
    reason: Reason | None = None


class ObjectionOut(BaseModel):
    """The objector is not named: the claimant sees their claims' objections too."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    claim_id: uuid.UUID
    reason: str
    status: str
    created_at: datetime


class ClaimOut(BaseModel):
    id: uuid.UUID
    resident_id: uuid.UUID
    community_id: uuid.UUID
    item_code: str
    occurred_on: date
    description: str
    evidence: list[str]
    status: str
    review_reason: str | None
    publicity_ends_at: datetime | None
    posting_id: uuid.UUID | None
    created_at: datetime
    objections: list[ObjectionOut]


class ClaimPage(Page[ClaimOut]):
    """Claims, newest first (a named page keeps the OpenAPI schema name)."""


class NoticeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    claim_id: uuid.UUID
    name: str
    item_code: str
    item_name: str | None
    points: int | None
    occurred_on: date
    publicity_ends_at: datetime | None


def claim_out(claim: Claim, objections: list[Objection]) -> ClaimOut:
    return ClaimOut(
        id=claim.id,
        resident_id=claim.resident_id,
        community_id=claim.community_id,
        item_code=claim.item_code,
        occurred_on=claim.occurred_on,
        description=claim.description,
        evidence=list(claim.evidence),
        status=claim.status,
        review_reason=claim.review_reason,
        publicity_ends_at=claim.publicity_ends_at,
        posting_id=claim.posting_id,
        created_at=claim.created_at,
        objections=[ObjectionOut.model_validate(o) for o in objections],
    )


async def claim_with_objections(session: AsyncSession, claim: Claim) -> ClaimOut:
    found = await claims.objections_of(session, [claim.id])
    return claim_out(claim, found[claim.id])


@router.post("/claims", status_code=201)
async def submit_claim(
    body: ClaimCreate, resident: VerifiedResident, session: Session, now: Now
) -> ClaimOut:
    draft = claims.ClaimDraft(
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


async def _listing_filter(
    session: AsyncSession, principal: Principal, community_id: uuid.UUID | None
) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """(community, resident) to filter by: a community for its staff, else the caller's own."""
    staff = StaffScope(principal=principal, roles=REVIEWERS)
    if community_id is not None and staff.unit_paths:
        await scope.ensure_staff_for(session, staff, community_id)
        return community_id, None
    return community_id, claims.resident_id_of(principal.sub)


@router.get("/claims")
async def list_claims(
    principal: CurrentPrincipal,
    session: Session,
    community_id: uuid.UUID | None = None,
    status: ClaimStatus | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ClaimPage:
    community, resident = await _listing_filter(session, principal, community_id)
    rows = await claims.list_claims(
        session=session,
        community_id=community,
        resident_id=resident,
        status=status,
        cursor=cursor,
        limit=limit,
    )
    page, next_cursor = keyset_page(rows, limit, lambda c: (c.created_at, c.id))
    objections = await claims.objections_of(session, [c.id for c in page])
    return ClaimPage(items=[claim_out(c, objections[c.id]) for c in page], next_cursor=next_cursor)


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
    out = await claim_with_objections(session, claim)
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
    out = await claim_with_objections(session, claim)
    await session.commit()
    return out


@router.get("/communities/{community_id}/publicity")
async def publicity_board(community_id: uuid.UUID, session: Session) -> list[NoticeOut]:
    """Public: claims under public notice in the community, names masked."""
    notices = await claims.publicity_board(session=session, community_id=community_id)
    return [NoticeOut.model_validate(n) for n in notices]
