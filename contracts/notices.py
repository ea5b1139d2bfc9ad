"""Events published by the notices service (村务公开, community activities, inbox)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from contracts.base import REGISTRY, EventData


@REGISTRY.register
class ActivityAttended(EventData):
    """A resident checked in at a community activity."""

    event_type: ClassVar[str] = "org.shanzhi.notices.activity.attended.v1"
    topic: ClassVar[str] = "notices.events"
    aggregate_type: ClassVar[str] = "activity"

    activity_id: str = Field(min_length=1, max_length=64)
    activity_type: str = Field(min_length=1, max_length=64)
    resident_id: str = Field(min_length=1, max_length=64)
    community_id: str = Field(min_length=1, max_length=64)
    hours: float | None = Field(default=None, gt=0, le=24)
    attended_at: AwareDatetime


class NoticeEvent(EventData):
    """What every notice event carries: the notice, its unit and what it is about."""

    topic: ClassVar[str] = "notices.events"
    aggregate_type: ClassVar[str] = "notice"

    notice_id: str = Field(min_length=1, max_length=64)
    unit_id: str = Field(min_length=1, max_length=64)
    unit_path: str = Field(min_length=1, max_length=512)
    category: str = Field(min_length=1, max_length=32)
    title: str = Field(min_length=1, max_length=100)
    require_ack: bool


@REGISTRY.register
class NoticePublished(NoticeEvent):
    """A notice went public (at once, or when its `publish_at` came); keyed by notice id."""

    event_type: ClassVar[str] = "org.shanzhi.notices.notice.published.v1"

    published_at: AwareDatetime


@REGISTRY.register
class NoticeWithdrawn(NoticeEvent):
    """A published notice was withdrawn: kept for the record, hidden from residents."""

    event_type: ClassVar[str] = "org.shanzhi.notices.notice.withdrawn.v1"

    published_at: AwareDatetime | None
    withdrawn_at: AwareDatetime
    reason: str = Field(min_length=1, max_length=500)
