"""Events published by the points service. Each carries the resident and community ids."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts.base import REGISTRY, EventData

Id = Field(min_length=1, max_length=64)


class _PointsEvent(EventData):
    topic: ClassVar[str] = "points.events"
    aggregate_type: ClassVar[str] = "resident"

    resident_id: str = Id
    community_id: str = Id


class _Posted(_PointsEvent):
    posting_id: str = Id
    item_code: str | None = Field(default=None, max_length=32)
    source_type: str = Field(min_length=1, max_length=32)
    source_id: str = Field(min_length=1, max_length=200)
    posted_at: AwareDatetime


@REGISTRY.register
class PointsAwarded(_Posted):
    """Points were credited (a system award, a vested claim or a staff award)."""

    event_type: ClassVar[str] = "org.shanzhi.points.awarded.v1"

    points: int = Field(ge=0, description="0 when a cap took all of it (see capped)")
    capped: int = Field(default=0, ge=0, description="points not given because of a cap")
    kind: Literal["award", "claim", "adjustment"] = "award"


@REGISTRY.register
class PointsDeducted(_Posted):
    """A penalty counted against the score; the wallet gave what it had, the rest is debt."""

    event_type: ClassVar[str] = "org.shanzhi.points.deducted.v1"

    points: int = Field(gt=0)
    debt: int = Field(ge=0)


@REGISTRY.register
class PostingReversed(_Posted):
    event_type: ClassVar[str] = "org.shanzhi.points.reversed.v1"

    reversed_posting_id: str = Id
    reason: str = Field(min_length=1, max_length=200)


@REGISTRY.register
class ClaimReviewed(_PointsEvent):
    event_type: ClassVar[str] = "org.shanzhi.points.claim_reviewed.v1"

    claim_id: str = Id
    decision: Literal["approve", "reject"]
    reason: str | None = Field(default=None, max_length=200)
    publicity_ends_at: AwareDatetime | None = None


@REGISTRY.register
class ClaimVested(_PointsEvent):
    event_type: ClassVar[str] = "org.shanzhi.points.claim_vested.v1"

    claim_id: str = Id
    posting_id: str = Id
    points: int


class _HoldEvent(_PointsEvent):
    order_id: str = Id
    points: int = Field(ge=0)


@REGISTRY.register
class HoldPlaced(_HoldEvent):
    event_type: ClassVar[str] = "org.shanzhi.points.hold_placed.v1"


@REGISTRY.register
class HoldRejected(EventData):
    """No hold for the order; community_id/resident_id may be unknown for an unknown resident."""

    event_type: ClassVar[str] = "org.shanzhi.points.hold_rejected.v1"
    topic: ClassVar[str] = "points.events"
    aggregate_type: ClassVar[str] = "order"

    order_id: str = Id
    resident_id: str = Id
    community_id: str = Id
    points: int = Field(ge=0)
    reason: Literal["insufficient", "unverified", "unknown_resident"]


@REGISTRY.register
class HoldSettled(_HoldEvent):
    event_type: ClassVar[str] = "org.shanzhi.points.hold_settled.v1"


@REGISTRY.register
class HoldReleased(_HoldEvent):
    event_type: ClassVar[str] = "org.shanzhi.points.hold_released.v1"


@REGISTRY.register
class PointsExpiringSoon(_PointsEvent):
    event_type: ClassVar[str] = "org.shanzhi.points.expiring_soon.v1"

    points: int = Field(gt=0)
    expires_on: date


@REGISTRY.register
class PointsExpired(_PointsEvent):
    event_type: ClassVar[str] = "org.shanzhi.points.expired.v1"

    posting_id: str = Id
    points: int = Field(gt=0)
    expired_on: date
