"""Events pushed in by the external volunteer platform (through the gateway's partner ingress)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from contracts.base import REGISTRY, EventData


class VolunteerRef(BaseModel):
    """Who volunteered: by keyed phone hash (never the phone itself) or by our resident id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phone_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    resident_id: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _exactly_one(self) -> VolunteerRef:
        if (self.phone_hash is None) == (self.resident_id is None):
            raise ValueError("exactly one of phone_hash or resident_id is required")
        return self


class Activity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, max_length=128)
    type: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200)


@REGISTRY.register
class ActivityCompleted(EventData):
    """A volunteer finished an activity on the partner platform."""

    event_type: ClassVar[str] = "org.shanzhi.volunteer.activity_completed.v1"
    topic: ClassVar[str] = "volunteer.events"
    aggregate_type: ClassVar[str] = "volunteer"

    volunteer: VolunteerRef
    activity: Activity
    community_id: str | None = Field(default=None, min_length=1, max_length=64)
    community_code: str | None = Field(default=None, min_length=1, max_length=64)
    hours: float = Field(gt=0, le=24)
    completed_at: AwareDatetime

    @model_validator(mode="after")
    def _community_given(self) -> ActivityCompleted:
        if self.community_id is None and self.community_code is None:
            raise ValueError("community_id or community_code is required")
        return self


__all__ = ["Activity", "ActivityCompleted", "VolunteerRef"]
