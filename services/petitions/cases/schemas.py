"""Request and response models of petitions, their actions, supports and the board."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from kit.schemas import In

Visibility = Literal["public", "private"]
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
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Photos = Annotated[list[uuid.UUID], Field(default_factory=list, max_length=9)]


class LocationIn(In):
    lat: Decimal | None = Field(default=None, ge=-90, le=90, max_digits=9, decimal_places=6)
    long: Decimal | None = Field(default=None, ge=-180, le=180, max_digits=9, decimal_places=6)
    address: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None

    @model_validator(mode="after")
    def _somewhere(self) -> LocationIn:
        if (self.lat is None) != (self.long is None):
            raise ValueError("经纬度需同时提供")
        if self.lat is None and self.address is None:
            raise ValueError("请提供位置（经纬度或地址）")
        return self


class PetitionCreate(In):
    community_id: uuid.UUID
    category_id: uuid.UUID
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    content: Text
    location: LocationIn
    visibility: Visibility
    anonymous_on_board: bool = False
    attributes: dict[str, Any] = Field(default_factory=dict, max_length=20)


# --- action bodies --------------------------------------------------------------------------


class AcceptIn(In):
    """Accept; assign at once to someone (else the category's default assignee, if any)."""

    assignee_id: uuid.UUID | None = None
    note: Reason | None = None


class ReasonIn(In):
    reason: Reason


class AssignIn(In):
    assignee_id: uuid.UUID | None = None
    assignee_unit_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _someone(self) -> AssignIn:
        if self.assignee_id is None and self.assignee_unit_id is None:
            raise ValueError("请指定承办人或网格")
        return self


class StartIn(In):
    note: Reason | None = None


class ProgressIn(In):
    text: Text
    progress: int | None = Field(default=None, ge=0, le=100)
    photo_ids: Photos


class ResolveIn(In):
    reply: Text
    photo_ids: Photos


class RateIn(In):
    rating: int = Field(ge=1, le=5)
    comment: Reason | None = None


class ReopenIn(In):
    """Reopening is an unhappy rating (1-2) within the window."""

    rating: int = Field(ge=1, le=2)
    comment: Reason | None = None


class CloseIn(In):
    comment: Reason | None = None


class NoteIn(In):
    text: Text


class AdoptIn(In):
    note: Reason | None = None


# --- answers --------------------------------------------------------------------------------


class LocationOut(BaseModel):
    lat: Decimal | None
    long: Decimal | None
    address: str | None


class EntryOut(BaseModel):
    id: uuid.UUID
    at: datetime
    kind: str
    public: bool
    actor_role: str
    action: str | None
    from_status: str | None
    to_status: str | None
    text: str | None
    progress: int | None
    attachment_ids: list[str]


class AttachmentOut(BaseModel):
    id: uuid.UUID
    content_type: str
    size_bytes: int
    url: str


class PetitionOut(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    category_id: uuid.UUID
    category_name: str
    title: str
    content: str
    location: LocationOut
    visibility: Visibility
    anonymous_on_board: bool
    status: Status
    author_id: uuid.UUID | None  # only to the author and staff
    author_name: str  # masked, or 匿名 when anonymous on the board
    assignee_id: uuid.UUID | None
    assignee_unit_id: uuid.UUID | None
    progress: int | None
    accept_due_at: datetime
    resolve_due_at: datetime | None
    overdue: bool
    escalated_to_unit_id: uuid.UUID | None
    reopen_count: int
    rating: int | None
    rating_comment: str | None
    adopted: bool
    supports_count: int
    supported_by_me: bool
    created_at: datetime
    updated_at: datetime
    allowed_actions: list[str]
    attachments: list[AttachmentOut]
    timeline: list[EntryOut]


class PetitionSummary(BaseModel):
    """A row of a list: no timeline, no content beyond a preview."""

    id: uuid.UUID
    community_id: uuid.UUID
    category_id: uuid.UUID
    title: str
    preview: str
    status: Status
    visibility: Visibility
    author_name: str
    assignee_id: uuid.UUID | None
    overdue: bool
    escalated_to_unit_id: uuid.UUID | None
    supports_count: int
    rating: int | None
    accept_due_at: datetime
    resolve_due_at: datetime | None
    created_at: datetime
    updated_at: datetime


class PetitionPage(BaseModel):
    items: list[PetitionSummary]
    next_cursor: str | None


class QueueCounts(BaseModel):
    """How many petitions of a staff queue are in each state, and flagged."""

    by_status: dict[str, int] = Field(description="各状态的诉求数（含 0）")
    open: int = Field(description="未结（不含不予受理、撤回、结案）")
    escalated: int = Field(description="已上报督办")
    overdue: int = Field(description="已逾期")


class SupportOut(BaseModel):
    petition_id: uuid.UUID
    supported: bool
    supports_count: int
