"""Keyset pagination: the page model every list answers with, and its opaque cursor.

A cursor is the (timestamp, id) of the last row of a page, base64url-encoded; the next page
is the rows strictly after it in the list's order. A cursor that does not decode is a 422
naming the `cursor` field.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel

from kit.errors import Invalid

T = TypeVar("T")
R = TypeVar("R")
Keyset = tuple[datetime, uuid.UUID]


class Page(BaseModel, Generic[T]):
    """One page of a list; `next_cursor` is None on the last page."""

    items: list[T]
    next_cursor: str | None


def encode_cursor(at: datetime, row_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> Keyset:
    """The (timestamp, id) a cursor carries; Invalid (422, field `cursor`) if it is not one."""
    try:
        at, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        when, after = datetime.fromisoformat(at), uuid.UUID(row_id)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise Invalid("分页游标无效", field="cursor") from None
    if when.tzinfo is None:
        raise Invalid("分页游标无效", field="cursor")
    return when, after


def keyset_page(
    rows: Sequence[R], limit: int, key: Callable[[R], Keyset]
) -> tuple[list[R], str | None]:
    """The first `limit` of `rows` (fetched with limit + 1) and the cursor after them, if more."""
    items = list(rows[:limit])
    more = len(rows) > limit and bool(items)
    return items, encode_cursor(*key(items[-1])) if more else None
