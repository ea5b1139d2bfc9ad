"""Request and response models of the identity API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kit.pagination import Page
from kit.schemas import In

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=72)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
UnitKind = Literal["district", "town", "community", "grid"]
RoleName = Literal[
    "district_admin", "community_admin", "community_staff", "grid_worker", "counter_operator"
]


class RegisterIn(In):
    phone: Phone
    password: Password
    name: Name
    community_id: uuid.UUID


class LoginIn(In):
    phone: Phone
    password: Annotated[str, StringConstraints(min_length=1, max_length=72)]


class RefreshIn(In):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class SmsCodeIn(In):
    phone: Phone


class SmsLoginIn(In):
    phone: Phone
    code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")]


class WechatIn(In):
    code: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    phone: Phone | None = None
    sms_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class RoleOut(BaseModel):
    role: str
    unit_id: str
    unit_path: str


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


class MeOut(PersonOut):
    roles: list[RoleOut]


class MeUpdate(In):
    name: Name | None = None
    community_id: uuid.UUID | None = None
    grid_id: uuid.UUID | None = None
    password: Password | None = None


class VerificationIn(In):
    real_name: Name
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=18)]


class RejectIn(In):
    reason: Reason


class ResidentPage(Page[PersonOut]):
    """Staff's resident list (a named page keeps the OpenAPI schema name)."""


class OrgUnitIn(In):
    kind: UnitKind
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    parent_id: uuid.UUID


class OrgUnitUpdate(In):
    code: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{1,32}$")]
        | None
    ) = None
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None
    ) = None


class OrgUnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    code: str
    name: str
    parent_id: uuid.UUID | None
    path: str


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


class StaffRoleIn(In):
    person_id: uuid.UUID
    role: RoleName
    unit_id: uuid.UUID


class StaffRoleOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    role: str
    unit_id: uuid.UUID


class PartnerIn(In):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class PartnerOut(BaseModel):
    partner_id: str
    name: str
    enabled: bool
    created_at: datetime


class PartnerSecretOut(BaseModel):
    partner_id: str
    name: str
    secret: str = Field(description="shown once; store it now")


class PartnerSecretsOut(BaseModel):
    partner_id: str
    enabled: bool
    secrets: list[str]
