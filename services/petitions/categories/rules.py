"""Open311 attributes of a category, and checking a petition's answers against them (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from kit.errors import Invalid

Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
LISTS = ("singlevaluelist", "multivaluelist")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: Datatype
    required: bool
    description: str
    order: int
    values: tuple[tuple[str, str], ...]  # (key, name) for list types

    @classmethod
    def of(cls, raw: dict[str, Any]) -> Attribute:
        values = tuple((str(v["key"]), str(v["name"])) for v in raw.get("values", []))
        return cls(
            code=raw["code"],
            datatype=raw["datatype"],
            required=bool(raw.get("required", False)),
            description=raw.get("description", ""),
            order=int(raw.get("order", 0)),
            values=values,
        )


def check_answers(definitions: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers normalised (numbers as numbers, lists as lists), or Invalid naming the
    attribute (`attributes.CODE`) that is missing, unknown or of the wrong kind."""
    attributes = {a.code: a for a in map(Attribute.of, definitions)}
    for code in answers:
        if code not in attributes:
            raise Invalid("该类别没有这一项", field=f"attributes.{code}")
    out: dict[str, Any] = {}
    for attribute in attributes.values():
        value = answers.get(attribute.code)
        if value is None or value == "" or value == []:
            if attribute.required:
                raise Invalid("必填项", field=f"attributes.{attribute.code}")
            continue
        out[attribute.code] = _check(attribute, value)
    return out


def _check(attribute: Attribute, value: Any) -> Any:
    field = f"attributes.{attribute.code}"
    keys = {k for k, _ in attribute.values}
    match attribute.datatype:
        case "string" | "text":
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise Invalid(f"应为不超过 {MAX_TEXT} 字的文字", field=field)
            return value
        case "number":
            return _number(value, field)
        case "datetime":
            return _datetime(value, field)
        case "singlevaluelist":
            if not isinstance(value, str) or value not in keys:
                raise Invalid("不是可选的值", field=field)
            return value
        case "multivaluelist":
            chosen = [value] if isinstance(value, str) else value
            if not isinstance(chosen, list) or not all(v in keys for v in chosen):
                raise Invalid("不是可选的值", field=field)
            return sorted(set(chosen))
    raise Invalid("未知的类型", field=field)  # pragma: no cover - Datatype is closed


def _number(value: Any, field: str) -> float | int:
    if isinstance(value, bool):
        raise Invalid("应为数字", field=field)
    if isinstance(value, int | float):
        return value
    try:
        number = float(str(value))
    except ValueError:
        raise Invalid("应为数字", field=field) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise Invalid("应为数字", field=field)
    return int(number) if number.is_integer() else number


def _datetime(value: Any, field: str) -> str:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        raise Invalid("应为 ISO 8601 时间", field=field) from None
    if when.tzinfo is None:
        raise Invalid("时间需带时区", field=field)
    return when.isoformat()
