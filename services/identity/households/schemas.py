"""Request and response models of households; members' names are masked (kit.masking)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from kit.masking import mask_name
from kit.pagination import Page
from kit.schemas import In
from services.identity.households.models import Household, HouseholdInvitation
from services.identity.people.models import Person


class HouseholdIn(In):
    head_id: uuid.UUID | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class HeadIn(In):
    head_id: uuid.UUID


class MemberIn(In):
    person_id: uuid.UUID


class MemberOut(BaseModel):
    id: uuid.UUID
    name: str = Field(description="masked: 张*三")


class InvitationOut(BaseModel):
    id: uuid.UUID
    household_id: uuid.UUID
    person_id: uuid.UUID
    status: str
    head_name: str = Field(description="the inviting household's head, masked: 张*三")


class HouseholdOut(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    head_id: uuid.UUID
    address: str | None
    members: list[MemberOut]


class HouseholdSummaryOut(BaseModel):
    """A household as its community's staff list them."""

    id: uuid.UUID
    community_id: uuid.UUID
    head_id: uuid.UUID
    head_name: str = Field(description="masked: 张*三")
    address: str | None
    member_count: int
    created_at: datetime


class HouseholdPage(Page[HouseholdSummaryOut]):
    """A community's households (a named page keeps the OpenAPI schema name)."""


def household_summary_out(household: Household, head: Person, count: int) -> HouseholdSummaryOut:
    return HouseholdSummaryOut(
        id=household.id,
        community_id=household.community_id,
        head_id=household.head_id,
        head_name=mask_name(head.name),
        address=household.address,
        member_count=count,
        created_at=household.created_at,
    )


def household_out(household: Household, members: list[Person]) -> HouseholdOut:
    return HouseholdOut(
        id=household.id,
        community_id=household.community_id,
        head_id=household.head_id,
        address=household.address,
        members=[MemberOut(id=p.id, name=mask_name(p.name)) for p in members],
    )


def invitation_out(invitation: HouseholdInvitation, head: Person) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        household_id=invitation.household_id,
        person_id=invitation.person_id,
        status=invitation.status,
        head_name=mask_name(head.name),
    )
