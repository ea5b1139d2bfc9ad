"""Request and response models of the ledger: postings, staff adjustments and reversals."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from kit.schemas import In

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


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
