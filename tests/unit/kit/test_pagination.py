"""Keyset pages: the cursor codec, the page cut, and a bad cursor answered as a 422 problem."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

import pytest
from fastapi import APIRouter, Query
from fastapi.testclient import TestClient

from kit.errors import Invalid
from kit.pagination import Page, decode_cursor, encode_cursor, keyset_page
from kit.web import create_web_app

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@dataclass
class Row:
    created_at: datetime
    id: uuid.UUID


def rows(n: int) -> list[Row]:
    return [Row(AT + timedelta(seconds=i), uuid.uuid4()) for i in range(n)]


def key(row: Row) -> tuple[datetime, uuid.UUID]:
    return row.created_at, row.id


def test_a_cursor_decodes_to_the_timestamp_and_id_it_was_made_from():
    row_id = uuid.uuid4()
    assert decode_cursor(encode_cursor(AT, row_id)) == (AT, row_id)


def test_a_cursor_is_url_safe():
    cursor = encode_cursor(AT, uuid.uuid4())
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        "abc",  # bad padding
        b64(b"no separator"),
        b64(b"2026-01-02T03:04:05+00:00|not-a-uuid"),
        # Fixed ids: test ids must be the same in every process (pytest-xdist collects twice).
        b64(b"yesterday|3ee6ba00-7b85-4c16-a2ed-28a549aaa56f"),
        b64(b"2026-01-02T03:04:05|3ee6ba00-7b85-4c16-a2ed-28a549aaa56f"),  # no time zone
        b64(b"a|b|c"),
        b64(b"\xff\xfe\xfd"),
        "",
    ],
)
def test_a_cursor_that_is_not_ours_is_refused_on_the_cursor_field(cursor: str):
    with pytest.raises(Invalid) as refused:
        decode_cursor(cursor)
    assert refused.value.field == "cursor" and refused.value.status == 422


def test_a_full_page_carries_the_cursor_of_its_last_row():
    fetched = rows(4)  # limit + 1 rows fetched: there is more
    items, cursor = keyset_page(fetched, 3, key)
    assert items == fetched[:3]
    assert cursor is not None and decode_cursor(cursor) == key(fetched[2])


def test_the_last_page_has_no_cursor():
    assert keyset_page(rows(3), 3, key)[1] is None
    assert keyset_page([], 3, key) == ([], None)


def test_a_page_answers_with_items_and_next_cursor():
    page = Page[int](items=[1, 2], next_cursor=None)
    assert page.model_dump(mode="json") == {"items": [1, 2], "next_cursor": None}


router = APIRouter()


@router.get("/things")
async def things(cursor: Annotated[str | None, Query()] = None) -> Page[str]:
    if cursor:
        decode_cursor(cursor)
    return Page[str](items=["a"], next_cursor=encode_cursor(AT, uuid.UUID(int=1)))


def test_a_bad_cursor_in_a_request_is_a_422_problem_naming_cursor():
    client = TestClient(create_web_app(service="demo", title="demo", routers=[router]))
    answer = client.get("/api/demo/things", params={"cursor": "garbage"})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == "cursor"
    good = client.get("/api/demo/things").json()
    assert client.get("/api/demo/things", params={"cursor": good["next_cursor"]}).is_success
