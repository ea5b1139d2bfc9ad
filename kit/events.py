"""The CloudEvents 1.0 envelope (structured JSON mode), validated against the contracts registry."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from contracts import REGISTRY, EventData, Registry, UnknownEventType
from kit.tracing import current_traceparent
from kit.tracing import new_traceparent as new_traceparent  # re-exported: it lived here

CONTENT_TYPE = "application/cloudevents+json"
TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


class CloudEvent(BaseModel):
    """The envelope. `data` stays a plain dict here; `parse_event` validates it by type."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str | None = None
    time: AwareDatetime
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]
    traceparent: str | None = Field(default=None, pattern=TRACEPARENT.pattern)


class InvalidEvent(ValueError):
    """Bytes that are not a valid envelope, or data that does not fit its type's contract."""


E = TypeVar("E", bound=EventData, covariant=True)


@dataclass(frozen=True, slots=True)
class ParsedEvent(Generic[E]):
    """An envelope with its data validated as `E`, the model its type names in the registry."""

    envelope: CloudEvent
    data: E


def new_event(
    data: EventData,
    *,
    source: str,
    subject: str,
    traceparent: str | None = None,
    time: datetime | None = None,
) -> CloudEvent:
    """Wrap event data in an envelope; the type name comes from the data's contract."""
    return CloudEvent(
        id=str(uuid.uuid4()),
        source=source,
        type=data.event_type,
        subject=subject,
        time=time or datetime.now(UTC),
        data=data.model_dump(mode="json"),
        # The current span's (tracing on), so the event continues the trace that staged it.
        traceparent=traceparent or current_traceparent(),
    )


def to_json(event: CloudEvent) -> dict[str, Any]:
    return event.model_dump(mode="json", exclude_none=True)


def serialize(event: CloudEvent) -> bytes:
    return json.dumps(to_json(event), ensure_ascii=False, separators=(",", ":")).encode()


def parse_envelope(raw: bytes) -> CloudEvent:
    try:
        return CloudEvent.model_validate_json(raw)
    except ValidationError as exc:
        raise InvalidEvent(f"not a CloudEvent: {_first_error(exc)}") from exc


def parse_event(raw: bytes, registry: Registry = REGISTRY) -> ParsedEvent[EventData]:
    """Envelope and data both validated; raises InvalidEvent or UnknownEventType."""
    envelope = parse_envelope(raw)
    return ParsedEvent(envelope=envelope, data=validate_data(envelope, registry))


def validate_data(envelope: CloudEvent, registry: Registry = REGISTRY) -> EventData:
    try:
        return registry.validate(envelope.type, envelope.data)
    except UnknownEventType:
        raise
    except ValidationError as exc:
        raise InvalidEvent(f"{envelope.type} data invalid: {_first_error(exc)}") from exc


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "(root)"
    return f"{where}: {err['msg']}"
