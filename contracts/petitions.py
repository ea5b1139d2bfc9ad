"""Events published by the petitions service (村民说事)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from contracts.base import REGISTRY, EventData


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
