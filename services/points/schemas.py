"""Request and response models of the points API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from kit.pagination import Page
from kit.schemas import In

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class HouseholdOut(BaseModel):
    id: uuid.UUID
    balance: int
    score: int


class AccountOut(BaseModel):
    resident_id: uuid.UUID
    community_id: uuid.UUID | None
    balance: int
    held: int
    available: int
    debt: int
    lifetime_earned: int
    household: HouseholdOut | None


class PostingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    item_code: str | None
    source_type: str
    source_id: str
    reason: str
    score_delta: int
    capped: int
    occurred_at: datetime
    created_at: datetime


class PostingPage(Page[PostingOut]):
    """A resident's postings, newest first (a named page keeps the OpenAPI schema name)."""


class RuleVersionOut(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    version: int
    status: str
    effective_from: str | None
    items: list[dict[str, object]]


class AdjustmentIn(In):
    resident_id: uuid.UUID
    amount: int = Field(ge=-10_000, le=10_000, description="positive awards, negative deducts")
    item_code: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    reason: Reason

    @field_validator("amount")
    @classmethod
    def _nonzero(cls, amount: int) -> int:
        if amount == 0:
            raise ValueError("amount must not be zero")
        return amount


class ReversalIn(In):
    reason: Reason


class BoardRow(BaseModel):
    rank: int
    subject_id: uuid.UUID
    name: str
    score: int


class UnmatchedOut(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID | None
    activity_type: str
    title: str
    status: str
    created_at: datetime


class UnmatchedResolveIn(In):
    action: Literal["map", "dismiss"]
    item_code: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = None
    reason: Reason | None = None


class CommunitySettingsIn(In):
    publicity_days: int = Field(default=3, ge=1, le=30)
    verified_only_spend: bool = True
    expiry_years: int | None = Field(default=None, ge=1, le=10, description="None: never")


class CommunitySettingsOut(CommunitySettingsIn):
    community_id: uuid.UUID
