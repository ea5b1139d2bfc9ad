"""Request and response models of petition categories."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from kit.schemas import In
from services.petitions.categories.rules import LISTS, Datatype

Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
Kind = Literal["demand", "dispute", "suggestion", "help"]


class ValueIn(In):
    key: Code
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class AttributeIn(In):
    code: Code
    datatype: Datatype
    required: bool = False
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    order: int = Field(default=0, ge=0, le=1000)
    values: list[ValueIn] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _values_for_lists(self) -> AttributeIn:
        if self.datatype in LISTS and not self.values:
            raise ValueError("列表类型需要可选值")
        if self.datatype not in LISTS and self.values:
            raise ValueError("只有列表类型可以有可选值")
        return self


class CategoryCreate(In):
    community_id: uuid.UUID
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    service_code: Code
    kind: Kind = "demand"
    accept_within_hours: int = Field(ge=1, le=24 * 30)
    resolve_within_days: int = Field(ge=1, le=365)
    default_assignee_id: uuid.UUID | None = None
    default_assignee_unit_id: uuid.UUID | None = None
    attributes: list[AttributeIn] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _unique_codes(self) -> CategoryCreate:
        codes = [a.code for a in self.attributes]
        if len(codes) != len(set(codes)):
            raise ValueError("属性代码重复")
        return self


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    description: str
    service_code: str
    kind: Kind
    accept_within_hours: int
    resolve_within_days: int
    default_assignee_id: uuid.UUID | None
    default_assignee_unit_id: uuid.UUID | None
    attributes: list[AttributeIn]
    active: bool


class CategoryList(BaseModel):
    items: list[CategoryOut]
    next_cursor: str | None = None


class CategoryUpdate(In):
    """A change to a category; omitted fields stay. `service_code` and `kind` do not change
    (Open311 clients and points lists refer to them); deadlines apply to petitions raised
    (or accepted) after the change."""

    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)] | None
    ) = None
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = (
        None
    )
    accept_within_hours: int | None = Field(default=None, ge=1, le=24 * 30)
    resolve_within_days: int | None = Field(default=None, ge=1, le=365)
    default_assignee_id: uuid.UUID | None = None
    default_assignee_unit_id: uuid.UUID | None = None
    attributes: list[AttributeIn] | None = Field(default=None, max_length=20)
    active: bool | None = None

    @model_validator(mode="after")
    def _unique_codes(self) -> CategoryUpdate:
        codes = [a.code for a in self.attributes or []]
        if len(codes) != len(set(codes)):
            raise ValueError("属性代码重复")
        return self
