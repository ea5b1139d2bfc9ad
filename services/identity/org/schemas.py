"""Request and response models of the org tree."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from kit.schemas import In

UnitKind = Literal["district", "town", "community", "grid"]
UnitCode = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{1,32}$")
]
UnitName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class OrgUnitIn(In):
    kind: UnitKind
    code: UnitCode
    name: UnitName
    parent_id: uuid.UUID


class OrgUnitUpdate(In):
    code: UnitCode | None = None
    name: UnitName | None = None


class OrgUnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    code: str
    name: str
    parent_id: uuid.UUID | None
    path: str
