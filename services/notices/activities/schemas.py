"""Request and response models of activities."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from kit.schemas import In

Text = StringConstraints(strip_whitespace=True)
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^\s]{1,64}$")]


class ActivityCreate(In):
    community_id: uuid.UUID
    title: Annotated[str, Text, StringConstraints(min_length=1, max_length=100)]
    description: Annotated[str, Text, StringConstraints(max_length=5000)] = ""
    place: Annotated[str, Text, StringConstraints(max_length=200)] = ""
    activity_type: Annotated[str, Text, StringConstraints(min_length=1, max_length=64)]
    item_code: Code | None = None
    capacity: int = Field(ge=1, le=10000)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    signup_closes_at: AwareDatetime | None = None


class MySignup(BaseModel):
    status: str
    seq: int
    waiting_position: int | None = None
    checked_in_at: datetime | None = None


class ActivityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    community_id: uuid.UUID
    title: str
    description: str
    place: str
    activity_type: str
    item_code: str | None
    capacity: int
    starts_at: datetime
    ends_at: datetime
    signup_closes_at: datetime | None
    status: str
    confirmed: int
    waiting: int = 0
    # Everyone checked in so far (sign-ups and walk-ins), for the check-in screen: counted
    # when one activity is read (GET /activities/{id}); 0 in lists.
    checked_in: int = 0
    created_at: datetime
    completed_at: datetime | None
    my_signup: MySignup | None = None


class ActivityPage(BaseModel):
    items: list[ActivityOut]
    next_cursor: str | None


class SignupOut(BaseModel):
    activity_id: uuid.UUID
    resident_id: uuid.UUID
    status: str
    seq: int
    waiting_position: int | None = None


class CheckinCode(BaseModel):
    code: str
    valid_until: datetime
    rotates_at: datetime
    qr_payload: str


class CheckinIn(In):
    # The six digits on the staff screen, or the signed payload its QR code carries.
    code: Annotated[str, Text, StringConstraints(min_length=1, max_length=200)]


class AttendanceIn(In):
    resident_id: uuid.UUID
    hours: float | None = Field(default=None, gt=0, le=24)


class AttendanceOut(BaseModel):
    activity_id: uuid.UUID
    resident_id: uuid.UUID
    status: str
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    hours: float | None


class CompletionOut(BaseModel):
    id: uuid.UUID
    status: str
    attendees: int


class ParticipantOut(BaseModel):
    resident_id: uuid.UUID
    name: str | None
    status: str
    seq: int
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    hours: float | None


class ParticipantPage(BaseModel):
    items: list[ParticipantOut]
    next_cursor: str | None
