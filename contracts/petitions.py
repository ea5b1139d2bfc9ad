"""Events published by the petitions service (村民说事), keyed by petition id.

Every event names the petition, its author and community, so the inbox (notices) and points
can act without asking petitions. Titles are the author's own words for their matter; no
event carries a phone, ID number or the petition's content.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts.base import REGISTRY, EventData

Id = Field(min_length=1, max_length=64)
Status = Literal[
    "submitted",
    "accepted",
    "rejected",
    "cancelled",
    "assigned",
    "in_progress",
    "resolved",
    "reopened",
    "closed",
]


class PetitionEvent(EventData):
    topic: ClassVar[str] = "petitions.events"
    aggregate_type: ClassVar[str] = "petition"

    petition_id: str = Id
    author_id: str = Id
    community_id: str = Id
    title: str = Field(min_length=1, max_length=100)
    status: Status
    occurred_at: AwareDatetime


@REGISTRY.register
class PetitionSubmitted(PetitionEvent):
    event_type: ClassVar[str] = "org.shanzhi.petitions.petition.submitted.v1"

    category_id: str = Id
    visibility: Literal["public", "private"]


@REGISTRY.register
class PetitionAccepted(PetitionEvent):
    event_type: ClassVar[str] = "org.shanzhi.petitions.petition.accepted.v1"


@REGISTRY.register
class PetitionRejected(PetitionEvent):
    event_type: ClassVar[str] = "org.shanzhi.petitions.petition.rejected.v1"

    reason: str = Field(min_length=1, max_length=500)


@REGISTRY.register
class PetitionAssigned(PetitionEvent):
    event_type: ClassVar[str] = "org.shanzhi.petitions.petition.assigned.v1"

    assignee_id: str | None = Field(default=None, max_length=64)
    assignee_unit_id: str | None = Field(default=None, max_length=64)


@REGISTRY.register
class PetitionResolved(PetitionEvent):
    event_type: ClassVar[str] = "org.shanzhi.petitions.petition.resolved.v1"


@REGISTRY.register
class PetitionReopened(PetitionEvent):
    event_type: ClassVar[str] = "org.shanzhi.petitions.petition.reopened.v1"

    reopen_count: int = Field(ge=1, le=2)


@REGISTRY.register
class PetitionClosed(PetitionEvent):
    event_type: ClassVar[str] = "org.shanzhi.petitions.petition.closed.v1"

    # rated: the author rated 3-5; timeout: no rating within the window; cancelled never closes.
    closed_by: Literal["rating", "timeout"]


@REGISTRY.register
class PetitionRated(PetitionEvent):
    event_type: ClassVar[str] = "org.shanzhi.petitions.petition.rated.v1"

    rating: int = Field(ge=1, le=5)


@REGISTRY.register
class PetitionEscalated(PetitionEvent):
    event_type: ClassVar[str] = "org.shanzhi.petitions.petition.escalated.v1"

    # What was missed: acceptance or resolution in time; and the unit it went up to.
    missed: Literal["accept", "resolve"]
    escalated_to_unit_id: str = Id


@REGISTRY.register
class PetitionAdopted(EventData):
    """A resident's suggestion was adopted by staff; the points list may reward it."""

    event_type: ClassVar[str] = "org.shanzhi.petitions.petition.adopted.v1"
    topic: ClassVar[str] = "petitions.events"
    aggregate_type: ClassVar[str] = "petition"

    petition_id: str = Field(min_length=1, max_length=64)
    resident_id: str = Field(min_length=1, max_length=64)
    community_id: str = Field(min_length=1, max_length=64)
    adopted_at: AwareDatetime
