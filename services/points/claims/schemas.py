"""Request and response models of claims, objections and the public notice board."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kit.pagination import Page
from kit.schemas import In
from services.points.claims.models import Claim, Objection

ClaimStatus = Literal["submitted", "publicity", "rejected", "vested"]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# An http(s) link, or a photo uploaded through POST /api/points/evidence (its `url`).
EvidenceUrl = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=500,
        pattern=r"^(https?://[^\s/]+\S*|/api/points/evidence/[0-9a-f-]{36})$",
    ),
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
    # Filled on a community's list for its staff (who review it); None on a resident's own.
    resident_name: str | None = None


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
