"""Request bodies refuse what PostgreSQL cannot store, naming the field, before any handler."""

from __future__ import annotations

import pytest
from pydantic import Field, ValidationError

from kit.schemas import In
from services.points.listing.rules import PointsList


class Note(In):
    title: str
    tags: list[str] = Field(default_factory=list)
    extra: dict[str, str] = Field(default_factory=dict)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "a\x00b"}, "title"),
        ({"title": "ok", "tags": ["fine", "\x00"]}, "tags"),
        ({"title": "ok", "extra": {"k": "v\x00"}}, "extra"),
        ({"title": "ok", "extra": {"k\x00": "v"}}, "extra"),
    ],
)
def test_a_nul_character_anywhere_is_refused_naming_its_field(body: dict[str, object], field: str):
    with pytest.raises(ValidationError) as refused:
        Note.model_validate(body)
    [error] = refused.value.errors()
    assert error["loc"][0] == field
    assert "U+0000" in error["msg"]


def test_ordinary_text_passes_untouched():
    note = Note.model_validate({"title": "环境整治 ✓", "tags": ["a"], "extra": {"k": "v"}})
    assert (note.title, note.tags, note.extra) == ("环境整治 ✓", ["a"], {"k": "v"})


def test_a_points_list_item_name_with_nul_is_refused_at_its_place():
    item = {"code": "A", "name": "x\x00", "category": "c", "points": 1}
    with pytest.raises(ValidationError) as refused:
        PointsList.model_validate({"items": [item]})
    assert refused.value.errors()[0]["loc"][:3] == ("items", 0, "name")
