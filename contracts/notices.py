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


@REGISTRY.register
class NoticePublished(EventData):
    """A notice went public in a unit; `require_ack` ones reach every resident's inbox below it."""

    event_type: ClassVar[str] = "org.shanzhi.notices.notice.published.v1"
    topic: ClassVar[str] = "notices.events"
    aggregate_type: ClassVar[str] = "notice"

    notice_id: str = Field(min_length=1, max_length=64)
    unit_id: str = Field(min_length=1, max_length=64)
    unit_path: str = Field(min_length=1, max_length=512)
    category: str = Field(min_length=1, max_length=32)
    title: str = Field(min_length=1, max_length=200)
    require_ack: bool = False
    published_at: AwareDatetime
