"""Request and response models of unmatched volunteer activities."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from kit.schemas import In
from services.points.awards.models import UnmatchedActivity
from services.points.awards.rules import activity_title
from services.points.ledger.schemas import Reason


class UnmatchedOut(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID | None
    activity_type: str
    title: str
    status: str
    created_at: datetime
    hours: float | None = None
    completed_at: str | None = None  # as the partner sent it (ISO 8601 with its offset)

    @classmethod
    def of(cls, row: UnmatchedActivity) -> UnmatchedOut:
        data = row.envelope.get("data")
        facts = data if isinstance(data, dict) else {}
        hours, completed = facts.get("hours"), facts.get("completed_at")
        return cls(
            id=row.id,
            community_id=row.community_id,
            activity_type=row.activity_type,
            title=activity_title(row.envelope),
            status=row.status,
            created_at=row.created_at,
            hours=float(hours) if isinstance(hours, int | float) else None,
            completed_at=str(completed) if completed is not None else None,
        )


class UnmatchedResolveIn(In):
    action: Literal["map", "dismiss"]
    item_code: Annotated[str, StringConstraints(min_length=1, max_length=32)] | None = None
    reason: Reason | None = None
