"""Event data base class and the registry mapping CloudEvent type names to data models."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

# One topic per producer (ARCHITECTURE rule 6); each has a dead-letter twin.
TOPICS: tuple[str, ...] = (
    "identity.events",
    "points.events",
    "petitions.events",
    "notices.events",
    "mall.events",
    "volunteer.events",
)

EVENT_TYPE_PATTERN = re.compile(r"^org\.shanzhi\.[a-z][a-z_]*(\.[a-z][a-z_]*)+\.v[1-9][0-9]*$")


def dlq_topic(topic: str) -> str:
    """The dead-letter twin of a topic."""
    return f"{topic}.dlq"


class EventData(BaseModel):
    """Base of every event's `data`. Subclasses declare the type name, topic and aggregate."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]
    aggregate_type: ClassVar[str]


class UnknownEventType(LookupError):
    """The registry has no model for this type name."""


E = TypeVar("E", bound=type[EventData])


class Registry:
    """Type name → data model. Producers and consumers validate against the same models."""

    def __init__(self, topics: Collection[str] | None = TOPICS) -> None:
        """`topics=None` accepts any topic (for test registries on throwaway topics)."""
        self._models: dict[str, type[EventData]] = {}
        self._topics = topics

    def register(self, model: E) -> E:
        name = model.event_type
        if not EVENT_TYPE_PATTERN.match(name):
            raise ValueError(f"event type {name!r} is not org.shanzhi.<service>.<event>.v<N>")
        if self._topics is not None and model.topic not in self._topics:
            raise ValueError(f"event type {name!r} names unknown topic {model.topic!r}")
        if name in self._models and self._models[name] is not model:
            raise ValueError(f"event type {name!r} registered twice")
        self._models[name] = model
        return model

    def model_for(self, event_type: str) -> type[EventData]:
        try:
            return self._models[event_type]
        except KeyError:
            raise UnknownEventType(event_type) from None

    def __contains__(self, event_type: object) -> bool:
        return event_type in self._models

    def items(self) -> list[tuple[str, type[EventData]]]:
        return sorted(self._models.items())

    def validate(self, event_type: str, data: Any) -> EventData:
        """Parse `data` with the model of `event_type`; raises pydantic.ValidationError."""
        return self.model_for(event_type).model_validate(data)


REGISTRY = Registry()
