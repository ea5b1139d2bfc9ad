"""Helpers of the catalog tests: counters and items made through the catalog's own routes."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from tests.integration.mall.conftest import MallHarness, Person, Unit

HOURS = [{"days": "周一至周五", "open": "09:00", "close": "17:00"}]


async def counter(mall: MallHarness, staff: Person, community: Unit, **body: Any) -> dict[str, Any]:
    payload = {"community_id": str(community.id), "name": "村委会兑换点", "address": "村委会一楼"}
    answer = await mall.client.post(
        "/api/mall/counters", json={**payload, **body}, headers=staff.headers
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def item(mall: MallHarness, staff: Person, community: Unit, **body: Any) -> dict[str, Any]:
    payload = {"community_id": str(community.id), "name": "老陈醋", "category": "粮油调味"}
    answer = await mall.client.post(
        "/api/mall/items", json={"price": 30, **payload, **body}, headers=staff.headers
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


async def restock(
    mall: MallHarness, staff: Person, item_id: str, counter_id: str, delta: int
) -> dict[str, Any]:
    answer = await mall.client.post(
        f"/api/mall/items/{item_id}/stock",
        json={"counter_id": counter_id, "delta": delta, "reason": "restock"},
        headers=staff.headers,
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def png(width: int = 8, height: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


async def count(mall: MallHarness, table: str) -> int:
    return int(await mall.db_val(f"SELECT count(*) FROM {table}"))
