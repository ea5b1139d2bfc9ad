"""The points list (积分清单): versioned per community; the version in force at a fact's date
applies. Items are validated here and stored with their version."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Conflict, Invalid, NotFound
from services.points.models import RuleVersion
from services.points.wallet import LOCAL

Source = Literal["volunteer", "activity", "petition_adopted", "registration"]


class Trigger(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Source
    activity_type: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class Caps(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    day: int | None = Field(default=None, gt=0)
    month: int | None = Field(default=None, gt=0)
    year: int | None = Field(default=None, gt=0)


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    category: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    points: int = Field(ge=-10_000, le=10_000)
    unit: Literal["per_time", "per_hour"] = "per_time"
    requires_claim: bool = False
    evidence_required: bool = False
    caps: Caps = Caps()
    triggers: list[Trigger] = Field(default_factory=list, max_length=20)

    @field_validator("points")
    @classmethod
    def _nonzero(cls, points: int) -> int:
        if points == 0:
            raise ValueError("points must not be zero")
        return points


class PointsList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[Item] = Field(min_length=1, max_length=200)
    effective_from: date | None = None

    @field_validator("items")
    @classmethod
    def _unique_codes(cls, items: list[Item]) -> list[Item]:
        codes = [i.code for i in items]
        if len(codes) != len(set(codes)):
            raise ValueError("item codes must be unique within a list")
        return items


def matches(item: Item, source: Source, activity_type: str | None) -> bool:
    """Does this item fire for the fact? A trigger without a type matches any type."""
    return any(
        t.source == source and (t.activity_type is None or t.activity_type == activity_type)
        for t in item.triggers
    )


def find_item(items: list[Item], source: Source, activity_type: str | None) -> Item | None:
    """The item a fact earns: an exact activity-type trigger wins over a catch-all one."""
    exact = [
        i
        for i in items
        if any(t.source == source and t.activity_type == activity_type for t in i.triggers)
    ]
    if exact:
        return exact[0]
    return next((i for i in items if matches(i, source, activity_type)), None)


def points_for(item: Item, hours: float | None) -> int:
    """Per time: the listed points. Per hour: hours × points, rounded half up to whole points."""
    if item.unit == "per_time" or hours is None:
        return item.points
    raw = abs(item.points) * hours
    whole = int(raw + 0.5)
    return whole if item.points > 0 else -whole


async def draft(
    session: AsyncSession, *, community_id: uuid.UUID, body: PointsList, actor: str
) -> RuleVersion:
    number = await session.scalar(
        select(func.coalesce(func.max(RuleVersion.version), 0)).where(
            RuleVersion.community_id == community_id
        )
    )
    version = RuleVersion(
        id=uuid.uuid4(),
        community_id=community_id,
        version=int(number or 0) + 1,
        status="draft",
        effective_from=body.effective_from,
        items=[i.model_dump(mode="json") for i in body.items],
        created_by=actor,
    )
    session.add(version)
    await session.flush()
    return version


async def publish(session: AsyncSession, *, version_id: uuid.UUID, now: datetime) -> RuleVersion:
    version = await get_version(session, version_id)
    if version.status != "draft":
        raise Conflict("该版本已发布", field="status")
    version.status = "published"
    version.published_at = now
    version.effective_from = version.effective_from or now.astimezone(LOCAL).date()
    return version


async def get_version(session: AsyncSession, version_id: uuid.UUID) -> RuleVersion:
    version = await session.get(RuleVersion, version_id)
    if version is None:
        raise NotFound("积分清单版本不存在")
    return version


async def in_force(
    session: AsyncSession, *, community_id: uuid.UUID, at: datetime
) -> RuleVersion | None:
    """The published version with the latest effective date on or before the fact's date."""
    day = at.astimezone(LOCAL).date()
    return await session.scalar(
        select(RuleVersion)
        .where(
            RuleVersion.community_id == community_id,
            RuleVersion.status == "published",
            RuleVersion.effective_from <= day,
        )
        .order_by(RuleVersion.effective_from.desc(), RuleVersion.version.desc())
        .limit(1)
    )


def items_of(version: RuleVersion | None) -> list[Item]:
    return [Item.model_validate(i) for i in version.items] if version else []


async def item_in_force(
    session: AsyncSession, *, community_id: uuid.UUID, code: str, at: datetime, field: str
) -> Item:
    version = await in_force(session, community_id=community_id, at=at)
    item = next((i for i in items_of(version) if i.code == code), None)
    if item is None:
        raise Invalid("积分清单中没有该项目", field=field)
    return item
