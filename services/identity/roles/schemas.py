"""Request and response models of staff role grants."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel

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


# A role a person holds, as /me shows it (no docstring: it would change the OpenAPI schema).
class RoleOut(BaseModel):
    role: str
    unit_id: str
    unit_path: str
