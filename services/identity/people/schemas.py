"""Request and response models of residents; personal data is masked here, in one place."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from kit.pagination import Page
from kit.schemas import In
from services.identity.people.models import Person
from services.identity.people.rules import mask_phone
from services.identity.roles.schemas import RoleOut

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=72)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class RegisterIn(In):
    phone: Phone
    password: Password
    name: Name
    community_id: uuid.UUID


class PersonOut(BaseModel):
    id: uuid.UUID
    name: str
    phone: str = Field(description="masked: 138****5678")
    community_id: uuid.UUID | None
    grid_id: uuid.UUID | None = None
    household_id: uuid.UUID | None
    verification_status: str
    rejection_reason: str | None = None
    id_number: str | None = Field(default=None, description="masked: 510***********1234")
    disabled: bool = Field(default=False, description="the account is disabled: no login")


class MeOut(PersonOut):
    roles: list[RoleOut]


class MeUpdate(In):
    name: Name | None = None
    community_id: uuid.UUID | None = None
    grid_id: uuid.UUID | None = None
    password: Password | None = None
    # Required with `password`: a stolen access token alone must not take over the account.
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=72)] | None = None


class VerificationIn(In):
    real_name: Name
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=18)]


class RejectIn(In):
    reason: Reason


class ReviewItemOut(PersonOut):
    """A resident as staff list them for review: never shown to the resident themselves."""

    real_name: str | None = Field(
        default=None, description="the name submitted for verification, as on the ID card"
    )
    id_number_conflict: bool = Field(
        default=False, description="another account has submitted or verified this ID number"
    )


class ResidentPage(Page[ReviewItemOut]):
    """Staff's resident list (a named page keeps the OpenAPI schema name)."""


def person_out(person: Person) -> PersonOut:
    return PersonOut(
        id=person.id,
        name=person.name,
        phone=mask_phone(person.phone),
        community_id=person.community_id,
        grid_id=person.grid_id,
        household_id=person.household_id,
        verification_status=person.verification_status,
        rejection_reason=person.rejection_reason,
        id_number=person.id_number_masked,
        disabled=person.disabled_at is not None,
    )


def review_item_out(person: Person, conflicts: set[str]) -> ReviewItemOut:
    conflict = person.id_number_hash is not None and person.id_number_hash in conflicts
    return ReviewItemOut(
        **person_out(person).model_dump(), real_name=person.real_name, id_number_conflict=conflict
    )


def me_out(person: Person, roles: list[dict[str, str]]) -> MeOut:
    return MeOut(**person_out(person).model_dump(), roles=[RoleOut(**r) for r in roles])
