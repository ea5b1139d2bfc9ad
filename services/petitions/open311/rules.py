"""Open311 GeoReport v2 as pure rules: formats, our states as open/closed, dates and ranges,
`attribute[CODE]` fields, locations and the error codes (no I/O; unit-tested)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from kit.errors import DomainError, Forbidden, Invalid, NotFound

Format = Literal["json", "xml"]
FORMATS: tuple[Format, ...] = ("json", "xml")

# Our states as Open311's two. `resolved` stays open: the resident has yet to rate the result
# and may reopen it; only closed (rated, or the rating window passed) is closed, and so are
# the refused ones (never on the board, but mapped for completeness).
OPEN311_STATUS: dict[str, Literal["open", "closed"]] = {
    "submitted": "open",
    "accepted": "open",
    "assigned": "open",
    "in_progress": "open",
    "reopened": "open",
    "resolved": "open",
    "rejected": "closed",
    "cancelled": "closed",
    "closed": "closed",
}

MAX_RANGE = timedelta(days=90)  # the spec's defaults: 90 days, 1000 requests
MAX_REQUESTS = 1000
TITLE_CHARS = 30
ATTRIBUTE = re.compile(r"^attribute\[([A-Za-z0-9_.-]{1,64})\](\[\])?$")
GROUPS = {"demand": "诉求", "dispute": "矛盾纠纷", "suggestion": "意见建议", "help": "求助"}


DATATYPE_HINTS = {
    "string": "文字",
    "text": "较长的文字",
    "number": "数字",
    "datetime": "W3C 时间，如 2026-01-01T08:00:00+08:00",
    "singlevaluelist": "从 values 中选一个 key",
    "multivaluelist": "从 values 中选一个或多个 key（字段可重复）",
}


def first_values(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Form fields by name, the first value of each (attributes are read separately)."""
    fields: dict[str, str] = {}
    for name, value in items:
        fields.setdefault(name, value)
    return fields


def parse_format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise NotFound("只支持 .json 与 .xml")
    return "xml" if fmt == "xml" else "json"


def format_of(path: str) -> Format:
    """The format a path asks for (for errors raised before the route parsed it)."""
    return "xml" if path.endswith(".xml") else "json"


def status_of(state: str) -> Literal["open", "closed"]:
    return OPEN311_STATUS[state]


def states_for(statuses: Iterable[str]) -> list[str]:
    """Our states behind Open311 statuses (`open`, `closed`)."""
    wanted = set(statuses)
    return sorted(s for s, o in OPEN311_STATUS.items() if o in wanted)


def split_list(value: str | None) -> list[str]:
    """A comma-delimited parameter (`service_code=a,b`), blanks dropped."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_statuses(value: str | None) -> list[str]:
    statuses = split_list(value)
    for status in statuses:
        if status not in ("open", "closed"):
            raise Invalid("status 只能是 open 或 closed", field="status")
    return statuses


def parse_ids(value: str | None, field: str) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(part) for part in split_list(value)]
    except ValueError:
        raise Invalid("编号格式不正确", field=field) from None


def parse_w3c(value: str | None, field: str) -> datetime | None:
    """A W3C datetime (`2010-01-01T00:00:00Z`); an offset is required."""
    if value is None or value.strip() == "":
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("时间格式应为 W3C，如 2026-01-01T00:00:00Z", field=field) from None
    if when.tzinfo is None:
        raise Invalid("时间需带时区", field=field)
    return when.astimezone(UTC)


def w3c(when: datetime | None) -> str | None:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if when is not None else None


def date_range(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """The requested_datetime window: the most recent 90 days by default, never longer."""
    if start is None and end is None:
        return now - MAX_RANGE, now
    if start is None:
        assert end is not None
        return end - MAX_RANGE, end
    if end is None:
        return start, min(start + MAX_RANGE, max(start, now))
    if end < start:
        raise Invalid("end_date 早于 start_date", field="end_date")
    if end - start > MAX_RANGE:
        raise Invalid("查询范围不能超过 90 天", field="end_date")
    return start, end


def attribute_answers(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """`attribute[CODE]=v` fields as answers by code; a code given more than once (or as
    `attribute[CODE][]`) is a list, as multivaluelist answers are sent."""
    answers: dict[str, Any] = {}
    for name, value in items:
        if not name.startswith("attribute"):
            continue
        match = ATTRIBUTE.match(name)
        if match is None:
            raise Invalid("属性字段应写作 attribute[CODE]", field=name)
        code, many = match.group(1), match.group(2) is not None
        if code in answers:
            previous = answers[code]
            answers[code] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            answers[code] = [value] if many else value
    return answers


@dataclass(frozen=True)
class Location:
    lat: Decimal | None
    long: Decimal | None
    address: str | None


def location(lat: str | None, long: str | None, address: str | None) -> Location:
    """lat+long, or address_string, or both (the spec requires one of them)."""
    address = (address or "").strip() or None
    if address is not None and len(address) > 200:
        raise Invalid("地址不能超过 200 字", field="address_string")
    if not (lat or "").strip() and not (long or "").strip():
        if address is None:
            raise Invalid("需提供 lat 与 long，或 address_string", field="lat")
        return Location(None, None, address)
    return Location(_coordinate(lat, "lat", 90), _coordinate(long, "long", 180), address)


def _coordinate(value: str | None, field: str, bound: int) -> Decimal:
    try:
        number = Decimal((value or "").strip())
    except InvalidOperation:
        raise Invalid("坐标应为数字", field=field) from None
    if not number.is_finite() or abs(number) > bound:
        raise Invalid(f"坐标应在 ±{bound} 之间", field=field)
    return number.quantize(Decimal("0.000001"))


def title_from(description: str, fallback: str) -> str:
    """A petition's title from an Open311 description (which has none): its first line."""
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    if not first:
        return fallback
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"


def agency_of(*, escalated: bool, assignee_unit: bool, assignee: bool) -> str:
    """Who is responsible, as a label (petitions keeps no unit names)."""
    if escalated:
        return "上级单位"
    if assignee_unit:
        return "网格员"
    if assignee:
        return "社区工作人员"
    return "社区"


def error_code(exc: DomainError) -> int:
    """The Open311 error code (and HTTP status) of a domain error: bad input is the spec's 400."""
    if isinstance(exc, Forbidden):
        return 403
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Invalid):
        return 400
    return exc.status


def error_description(exc: DomainError) -> str:
    return f"{exc.field}: {exc.detail}" if exc.field else exc.detail
