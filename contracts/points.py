"""Events published by the points service."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from contracts.base import REGISTRY, EventData


@REGISTRY.register
class PointsAwarded(EventData):
    """Points were credited to a resident by a posting (system award, claim or staff)."""

    event_type: ClassVar[str] = "org.shanzhi.points.awarded.v1"
    topic: ClassVar[str] = "points.events"
    aggregate_type: ClassVar[str] = "resident"

    posting_id: str = Field(min_length=1, max_length=64)
    resident_id: str = Field(min_length=1, max_length=64)
    community_id: str = Field(min_length=1, max_length=64)
    item_code: str = Field(min_length=1, max_length=64)
    points: int = Field(gt=0)
    source_type: str = Field(min_length=1, max_length=64)
    source_id: str = Field(min_length=1, max_length=128)
    posted_at: AwareDatetime
