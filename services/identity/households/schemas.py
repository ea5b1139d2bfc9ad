"""Request and response models of households."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from kit.schemas import In
from services.identity.households.models import Household
from services.identity.people.models import Person


class HouseholdIn(In):
    head_id: uuid.UUID | None = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class MemberIn(In):
    person_id: uuid.UUID


class MemberOut(BaseModel):
    id: uuid.UUID
    name: str


class HouseholdOut(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    head_id: uuid.UUID
    address: str | None
    members: list[MemberOut]


def household_out(household: Household, members: list[Person]) -> HouseholdOut:
    return HouseholdOut(
        id=household.id,
        community_id=household.community_id,
        head_id=household.head_id,
        address=household.address,
        members=[MemberOut(id=p.id, name=p.name) for p in members],
    )
