"""Partner ingress rules without I/O: the webhook signature, the pushed events, their re-wrap."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, NoReturn

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from contracts.volunteer import Activity, ActivityCompleted, VolunteerRef
from kit.errors import DomainError, Invalid
from kit.events import TRACEPARENT, CloudEvent, InvalidEvent, new_traceparent, validate_data
from kit.phone import normalise_phone, phone_hash
from kit.tracing import active_traceparent

SINGLE = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
MAX_DIGESTS = 4  # v1=... entries looked at in one X-Signature (rotation needs two at most)


class NotAuthenticated(DomainError):
    status = 401
    title = "合作平台身份校验失败"


class UnsupportedMediaType(DomainError):
    status = 415
    title = "不支持的内容类型"


class BatchTooLarge(DomainError):
    status = 413
    title = "批量事件过多"


# --- signature ---------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of `<t>.<raw body>` under the partner's secret."""
    return hmac.new(secret.encode(), b"%d." % timestamp + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int) -> str:
    """The `X-Signature` value a partner sends: `t=<unix seconds>,v1=<hex>`."""
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


@dataclass(frozen=True)
class Signature:
    timestamp: int
    digests: tuple[str, ...]


def parse_signature(header: str | None) -> Signature:
    """`t=<unix seconds>,v1=<hex>[,v1=<hex>]`; anything else is refused."""
    timestamp: str | None = None
    digests: list[str] = []
    for part in (header or "").split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            timestamp = value
        elif name == "v1":
            digests.append(value.lower())
    if timestamp is None or not timestamp.isdigit() or len(timestamp) > 12 or not digests:
        raise NotAuthenticated("X-Signature must be t=<unix seconds>,v1=<hex HMAC-SHA256>")
    return Signature(int(timestamp), tuple(digests[:MAX_DIGESTS]))


def check_timestamp(signature: Signature, *, now: float, tolerance: int) -> None:
    """A replay window both ways: an old push and one from a skewed future clock are refused."""
    if abs(now - signature.timestamp) > tolerance:
        raise NotAuthenticated(f"signature timestamp is more than {tolerance} s from now")


def signed_by_any(signature: Signature, body: bytes, secrets: Sequence[str]) -> bool:
    """True when one of the secrets (current, or old in its grace period) signed the body."""
    matched = False
    for secret in secrets:  # no early exit: the time taken says nothing about which matched
        expected = sign(secret, signature.timestamp, body).encode()
        for digest in signature.digests:
            matched |= hmac.compare_digest(expected, digest.encode())
    return matched


# --- the partner's form of the event ----------------------------------------------------


class PartnerVolunteer(BaseModel):
    """Who volunteered, as the partner knows them: a phone (normalised here) or our resident id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phone: str | None = Field(default=None, max_length=32)
    resident_id: str | None = Field(default=None, min_length=1, max_length=64)

    @field_validator("phone")
    @classmethod
    def _normalised(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return normalise_phone(value)
        except Invalid as exc:  # the message names no digits: rejections are logged
            raise ValueError(exc.detail) from None

    @model_validator(mode="after")
    def _exactly_one(self) -> PartnerVolunteer:
        if (self.phone is None) == (self.resident_id is None):
            raise ValueError("exactly one of phone or resident_id is required")
        return self


class PartnerActivity(BaseModel):
    """The `data` of a push: the contract's ActivityCompleted with a phone instead of its hash."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    volunteer: PartnerVolunteer
    activity: Activity
    community_id: str | None = Field(default=None, min_length=1, max_length=64)
    community_code: str | None = Field(default=None, min_length=1, max_length=64)
    hours: float = Field(gt=0, le=24, allow_inf_nan=False)
    completed_at: AwareDatetime

    @model_validator(mode="after")
    def _community_given(self) -> PartnerActivity:
        if self.community_id is None and self.community_code is None:
            raise ValueError("community_id or community_code is required")
        return self


class PartnerEvent(BaseModel):
    """A pushed CloudEvent 1.0 envelope; extension attributes are allowed and not forwarded."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"]
    id: str = Field(min_length=1, max_length=128)
    source: str = Field(min_length=1, max_length=512)
    type: Literal["org.shanzhi.volunteer.activity_completed.v1"]
    time: AwareDatetime | None = None
    datacontenttype: Literal["application/json"] | None = None
    traceparent: str | None = None
    data: PartnerActivity


# --- a push: parsed, validated, re-wrapped ----------------------------------------------


@dataclass(frozen=True)
class Rules:
    """What a push is checked against: who sent it, the hash key, the clock and the limits."""

    partner_id: str
    phone_hash_key: str
    now: datetime
    tolerance: timedelta
    batch_max: int


@dataclass(frozen=True)
class BusEvent:
    """One accepted event in our envelope: what goes on the bus and the key it goes under."""

    index: int
    key: str
    envelope: CloudEvent


@dataclass(frozen=True)
class Rejection:
    index: int
    field: str
    reason: str


@dataclass(frozen=True)
class Push:
    events: list[BusEvent] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


class PushAnswer(BaseModel):
    accepted: int  # put on the bus by this request
    # Advisory, per gateway replica: seen before, in flight in a concurrent push, or twice in
    # this batch, so not put on the bus again. Crediting is exactly-once in points' inbox.
    duplicates: int
    rejected: list[Rejection]  # by index in the batch, with the field at fault


class EventRejected(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def parse_push(body: bytes, content_type: str | None, rules: Rules) -> Push:
    """One event (invalid: 422 naming the field) or a batch (invalid ones listed by index)."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in (SINGLE, BATCH):
        raise UnsupportedMediaType(f"send {SINGLE} or {BATCH}, not {media[:80] or 'nothing'}")
    document = _json(body)
    if media == SINGLE:
        try:
            return Push(events=[accept_event(document, 0, rules)])
        except EventRejected as exc:
            raise Invalid(str(exc), field=exc.field) from None
    return _parse_batch(document, rules)


def _parse_batch(document: Any, rules: Rules) -> Push:
    if not isinstance(document, list):
        raise Invalid("a batch is a JSON array of CloudEvents", field="body")
    if len(document) > rules.batch_max:
        raise BatchTooLarge(
            f"a batch holds at most {rules.batch_max} events, not {len(document)}",
            limit=rules.batch_max,
        )
    push = Push()
    for index, raw in enumerate(document):
        try:
            push.events.append(accept_event(raw, index, rules))
        except EventRejected as exc:
            push.rejected.append(Rejection(index, exc.field, exc.reason))
    return push


def _json(body: bytes) -> Any:
    try:
        return json.loads(body, parse_constant=_no_constant)
    except ValueError:  # JSONDecodeError, bad UTF-8 and NaN/Infinity alike
        raise Invalid("the body is not JSON", field="body") from None


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def accept_event(raw: Any, index: int, rules: Rules) -> BusEvent:
    """Validate one pushed event and re-wrap it; raises EventRejected naming the field."""
    try:
        event = PartnerEvent.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]  # its "input" may hold a phone: only location and message used
        raise EventRejected(".".join(str(p) for p in err["loc"]) or "event", err["msg"]) from None
    if event.data.completed_at > rules.now + rules.tolerance:
        raise EventRejected("data.completed_at", "lies in the future")
    return to_bus_event(event, index, rules)


def to_bus_event(event: PartnerEvent, index: int, rules: Rules) -> BusEvent:
    """Our envelope: the partner's id, source /partners/<id>, the phone replaced by its hash."""
    data = event.data
    if data.volunteer.phone is not None:
        volunteer = VolunteerRef(phone_hash=phone_hash(rules.phone_hash_key, data.volunteer.phone))
    else:
        volunteer = VolunteerRef(resident_id=data.volunteer.resident_id)
    contract = ActivityCompleted(
        volunteer=volunteer,
        activity=data.activity,
        community_id=data.community_id,
        community_code=data.community_code,
        hours=data.hours,
        completed_at=data.completed_at,
    )
    key = volunteer.phone_hash or volunteer.resident_id or ""
    trace = event.traceparent
    envelope = CloudEvent(
        id=event.id,
        # Ours, from the authenticated partner: a partner cannot pose as /services/points.
        source=f"/partners/{rules.partner_id}",
        type=contract.event_type,
        subject=key,
        time=event.time or rules.now,
        data=contract.model_dump(mode="json"),
        # Tracing on: the push request's span, so the trace runs on from the gateway.
        traceparent=active_traceparent()
        or (trace if trace and TRACEPARENT.match(trace) else new_traceparent()),
        partnersource=event.source,  # what the partner called itself, kept as an extension
    )
    try:
        validate_data(envelope)
    except InvalidEvent as exc:  # the partner form is a mirror of the contract: not expected
        raise EventRejected("data", str(exc)) from None
    return BusEvent(index=index, key=key, envelope=envelope)
