from __future__ import annotations

from typing import Any

import pytest

from kit.errors import Invalid
from services.petitions.categories.rules import check_answers

DEFS: list[dict[str, Any]] = [
    {"code": "lamps", "datatype": "number", "required": True},
    {"code": "seen", "datatype": "datetime"},
    {"code": "note", "datatype": "text"},
    {"code": "when", "datatype": "singlevaluelist", "values": [{"key": "night", "name": "夜间"}]},
    {
        "code": "kinds",
        "datatype": "multivaluelist",
        "values": [{"key": "a", "name": "甲"}, {"key": "b", "name": "乙"}],
    },
]


def test_answers_are_normalised() -> None:
    answers = {"lamps": "3", "seen": "2026-03-01T08:00:00+08:00", "kinds": ["b", "a", "b"]}
    assert check_answers(DEFS, answers) == {
        "lamps": 3,
        "seen": "2026-03-01T08:00:00+08:00",
        "kinds": ["a", "b"],
    }
    assert check_answers(DEFS, {"lamps": 2.5, "kinds": "a"}) == {"lamps": 2.5, "kinds": ["a"]}


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({}, "attributes.lamps"),
        ({"lamps": "three"}, "attributes.lamps"),
        ({"lamps": True}, "attributes.lamps"),
        ({"lamps": "nan"}, "attributes.lamps"),
        ({"lamps": 1, "seen": "2026-03-01T08:00:00"}, "attributes.seen"),
        ({"lamps": 1, "when": "day"}, "attributes.when"),
        ({"lamps": 1, "kinds": ["c"]}, "attributes.kinds"),
        ({"lamps": 1, "note": "x" * 2001}, "attributes.note"),
        ({"lamps": 1, "colour": "red"}, "attributes.colour"),
    ],
)
def test_bad_answers_name_the_attribute(answers: dict[str, Any], field: str) -> None:
    with pytest.raises(Invalid) as refused:
        check_answers(DEFS, answers)
    assert refused.value.field == field
