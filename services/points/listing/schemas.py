"""Request and response models of the points list and community settings (the list's own
request body, `PointsList`, is in listing/rules.py with the items it validates)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from kit.pagination import Page
from kit.schemas import In
from services.points.listing.models import CommunitySettings, RuleVersion


class RuleVersionOut(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    version: int
    status: str
    effective_from: str | None
    items: list[dict[str, object]]
    created_at: datetime | None = None
    published_at: datetime | None = None

    @classmethod
    def of(cls, version: RuleVersion) -> RuleVersionOut:
        return cls(
            id=version.id,
            community_id=version.community_id,
            version=version.version,
            status=version.status,
            effective_from=version.effective_from.isoformat() if version.effective_from else None,
            items=version.items,
            created_at=version.created_at,
            published_at=version.published_at,
        )


class RuleVersionPage(Page[RuleVersionOut]):
    """A community's list versions, drafts too, newest first (for its staff)."""


class CommunitySettingsIn(In):
    publicity_days: int = Field(default=3, ge=1, le=30)
    verified_only_spend: bool = True
    expiry_years: int | None = Field(default=None, ge=1, le=10, description="None: never")


class CommunitySettingsOut(CommunitySettingsIn):
    community_id: uuid.UUID

    @classmethod
    def of(cls, row: CommunitySettings) -> CommunitySettingsOut:
        return cls(
            community_id=row.community_id,
            publicity_days=row.publicity_days,
            verified_only_spend=row.verified_only_spend,
            expiry_years=row.expiry_years,
        )
