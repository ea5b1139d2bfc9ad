"""Pure rules of the points list (积分清单): what an item is, which item a fact earns and how
many points. Lists are versioned per community; the version in force at a fact's date applies
(listing/service.py finds it)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints, field_validator

from kit.schemas import In
from services.points.listing.models import RuleVersion

Source = Literal["volunteer", "activity", "petition_adopted", "registration"]


class Trigger(In):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Source
    activity_type: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class Caps(In):
    model_config = ConfigDict(extra="forbid", frozen=True)

    day: int | None = Field(default=None, gt=0)
    month: int | None = Field(default=None, gt=0)
    year: int | None = Field(default=None, gt=0)


class Item(In):
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


class PointsList(In):
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


def items_of(version: RuleVersion | None) -> list[Item]:
    """The items of a stored version (none when no version is in force)."""
    return [Item.model_validate(i) for i in version.items] if version else []
