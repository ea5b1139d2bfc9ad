"""Request and response models of staff role grants."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from kit.pagination import Page
from kit.schemas import In

RoleName = Literal[
    "district_admin", "community_admin", "community_staff", "grid_worker", "counter_operator"
]


class StaffRoleIn(In):
    person_id: uuid.UUID
    role: RoleName
    unit_id: uuid.UUID


class StaffRoleOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    role: str
    unit_id: uuid.UUID


class StaffGrantOut(StaffRoleOut):
    """A grant as its unit's administrators list it: who holds it, where, since when."""

    person_name: str
    phone: str = Field(description="masked: 138****5678")
    unit_name: str
    unit_path: str
    granted_at: datetime
    person_disabled: bool = Field(default=False, description="the holder's account is disabled")


class StaffGrantPage(Page[StaffGrantOut]):
    """The active grants within a unit (a named page keeps the OpenAPI schema name)."""


# A role a person holds, as /me shows it (no docstring: it would change the OpenAPI schema).
class RoleOut(BaseModel):
    role: str
    unit_id: str
    unit_path: str
