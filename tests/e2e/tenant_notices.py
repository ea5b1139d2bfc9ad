"""Notices fixtures of a matrix tenant: a finance notice of its community, published, pinned and
to be acknowledged (its sheet behind the sheet routes), and a message in its resident's inbox."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from typing import Any

import httpx

from tests.e2e.scene import SHANGHAI
from tests.e2e.tenants import Tenant, call

SYNC_WITHIN = 60.0  # seconds for notices to learn the community and resident from identity


async def add_notices(gw: httpx.AsyncClient, t: Tenant) -> None:
    staff = t.callers["staff"]
    today = datetime.now(SHANGHAI).date()
    before = (today - timedelta(days=2)).isoformat()
    after = (today - timedelta(days=1)).isoformat()
    sheet = {
        "period": f"{today.year}年{today.month}月",
        "opening_balance_fen": 1_000_000,
        "lines": [
            {"date": before, "item": "上级补助", "income_fen": 50_000, "voucher_no": "记-01"},
            {"date": after, "item": "保洁费", "expense_fen": 12_000, "voucher_no": "记-02"},
        ],
    }
    body: dict[str, Any] = {
        "unit_id": t.ids["community"],
        "category": "finance",
        "title": f"{t.name}社区财务公开",
        "body": "矩阵测试的**财务**公开",
        "require_ack": True,
        "sheet": sheet,
    }
    t.ids["notice"] = notice = str((await _until_known(gw, body, staff))["id"])
    await call(gw, "POST", f"/api/notices/{notice}/publish", 200, json={}, headers=staff)
    await call(gw, "POST", f"/api/notices/{notice}/pin", 200, json={}, headers=staff)
    t.ids["message"] = await _first_message(gw, t)


async def _until_known(gw: httpx.AsyncClient, body: dict[str, Any], staff: dict[str, str]) -> Any:
    deadline = time.monotonic() + SYNC_WITHIN
    while True:  # 404 on unit_id until notices has heard of the community
        answer = await gw.post("/api/notices", json=body, headers=staff)
        if answer.status_code != 404 or time.monotonic() > deadline:
            assert answer.status_code == 201, f"POST /api/notices: {answer.text}"
            return answer.json()
        await asyncio.sleep(0.3)


async def _first_message(gw: httpx.AsyncClient, t: Tenant) -> str:
    """The resident's newest inbox message (the notice's, or one about their petitions)."""
    deadline = time.monotonic() + SYNC_WITHIN
    while True:
        items = (await call(gw, "GET", "/api/inbox", 200, headers=t.callers["resident"]))["items"]
        if items:
            return str(items[0]["id"])
        assert time.monotonic() < deadline, f"no inbox message for tenant {t.name}'s resident"
        await asyncio.sleep(0.5)
