"""Request and answer bodies of counters, items and stock."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from kit.pagination import Page
from kit.schemas import In
from services.mall.catalog import rules

Text = StringConstraints(strip_whitespace=True)
Name = Annotated[str, Text, Field(min_length=1, max_length=64)]
Address = Annotated[str, Text, Field(min_length=1, max_length=200)]
Category = Annotated[str, Text, Field(min_length=1, max_length=32)]
Description = Annotated[str, Text, Field(max_length=2000)]
Sponsor = Annotated[str, Text, Field(min_length=1, max_length=64)]
Note = Annotated[str, Text, Field(max_length=200)]
Clock = Annotated[str, Field(pattern=rules.HHMM.pattern, examples=["09:00"])]
Period = Literal["day", "week", "month", "year"]
Price = Annotated[int, Field(gt=0, le=1_000_000)]
Limit = Annotated[int, Field(gt=0, le=999)]
REQUIRED = "不能为空"


class OpeningHours(In):
    """One line of a counter's opening hours: `days` as shown to residents (e.g. "周一至周五"),
    `open` and `close` as 24-hour "HH:MM" in Beijing time, close after open."""

    days: Annotated[str, Text, Field(min_length=1, max_length=20)]
    open: Clock
    close: Clock

    @field_validator("close")
    @classmethod
    def _after_open(cls, value: str, info: ValidationInfo) -> str:
        opened = info.data.get("open")
        reason = rules.check_hours(opened, value) if opened else None
        if reason is not None:
            raise ValueError(reason)
        return value


Hours = Annotated[list[OpeningHours], Field(max_length=7)]


class CounterCreate(In):
    community_id: uuid.UUID
    name: Name
    address: Address
    opening_hours: Hours | None = None


class CounterUpdate(In):
    """Any of these; a field left out stays as it is. `opening_hours: null` clears them."""

    name: Name | None = None
    address: Address | None = None
    opening_hours: Hours | None = None
    active: bool | None = None

    @field_validator("name", "address", "active")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError(REQUIRED)
        return value


class CounterOut(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    address: str
    opening_hours: list[OpeningHours] | None
    active: bool
    created_at: datetime


CounterPage = Page[CounterOut]


class ItemFields(In):
    description: Description | None = None
    per_person_limit: Limit | None = Field(
        default=None, description="每人限购数量；与 limit_period 同时填写"
    )
    limit_period: Period | None = Field(
        default=None, description="限购周期（按北京时间自然日/周/月/年）"
    )
    sponsor: Sponsor | None = None
    available_from: AwareDatetime | None = None
    available_until: AwareDatetime | None = Field(default=None, description="须晚于 available_from")


class ItemCreate(ItemFields):
    community_id: uuid.UUID
    name: Name
    category: Category
    price: Price
    on_shelf: bool = True


class ItemUpdate(ItemFields):
    """Any field but the community; a field left out stays, a nullable one set to null clears."""

    name: Name | None = None
    category: Category | None = None
    price: Price | None = None
    on_shelf: bool | None = None

    @field_validator("name", "category", "price", "on_shelf")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError(REQUIRED)
        return value


class StockLine(BaseModel):
    counter_id: uuid.UUID
    counter_name: str
    quantity: int


class ItemOut(BaseModel):
    id: uuid.UUID
    community_id: uuid.UUID
    name: str
    description: str | None
    image_url: str | None
    category: str
    price: int
    per_person_limit: int | None
    limit_period: Period | None
    sponsor: str | None
    available_from: datetime | None
    available_until: datetime | None
    on_shelf: bool
    stock: list[StockLine]
    created_at: datetime
    updated_at: datetime


ItemPage = Page[ItemOut]


class StockChange(In):
    counter_id: uuid.UUID
    delta: Annotated[int, Field(ge=-rules.MAX_DELTA, le=rules.MAX_DELTA)]
    reason: Literal["restock", "adjustment"]
    note: Note | None = None

    @field_validator("delta")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("变动数量不能为 0")
        return value


class StockOut(BaseModel):
    item_id: uuid.UUID
    counter_id: uuid.UUID
    quantity: int


class MoveOut(BaseModel):
    id: int
    counter_id: uuid.UUID
    delta: int
    reason: Literal["restock", "adjustment", "order", "return"]
    note: str | None
    actor: str
    order_id: uuid.UUID | None
    at: datetime


MovePage = Page[MoveOut]
