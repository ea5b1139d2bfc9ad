"""Petitions fixtures of a matrix tenant: a category, a private petition still submitted (with
an image) and a public one accepted (on the board), both raised by the tenant's resident,
verified for it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from tests.e2e.scene import fresh_id_serial
from tests.e2e.tenants import Headers, Tenant, call, id_number, login
from tests.unit.kit.images import png

SYNC_WITHIN = 60.0  # seconds for petitions to learn the community from identity's events


async def add_petitions(gw: httpx.AsyncClient, t: Tenant) -> None:
    staff = t.callers["staff"]
    verification = {"real_name": f"{t.name}居民", "id_number": id_number(fresh_id_serial())}
    resident = t.callers["resident"]
    await call(
        gw, "POST", "/api/identity/me/verification", 202, json=verification, headers=resident
    )
    approve = f"/api/identity/residents/{t.ids['resident']}/verification/approve"
    await call(gw, "POST", approve, 200, json={}, headers=staff)
    t.callers["resident"] = resident = await login(gw, t.phones["resident"])  # carries `verified`
    category = {
        "community_id": t.ids["community"],
        "name": "意见建议",
        "service_code": "suggestions",
        "kind": "suggestion",
        "accept_within_hours": 48,
        "resolve_within_days": 15,
    }
    made = await call(gw, "POST", "/api/petitions/categories", 201, json=category, headers=staff)
    t.ids["category"] = made["id"]
    t.ids["petition"] = await _raise(gw, t, resident, "private")
    photo = {"file": ("a.png", png(), "image/png")}
    upload = f"/api/petitions/{t.ids['petition']}/attachments"
    t.ids["attachment"] = (await call(gw, "POST", upload, 201, files=photo, headers=resident))["id"]
    t.ids["public_petition"] = await _raise(gw, t, resident, "public")
    accept = f"/api/petitions/{t.ids['public_petition']}/actions/accept"
    await call(gw, "POST", accept, 200, json={}, headers=staff)


async def _raise(gw: httpx.AsyncClient, t: Tenant, resident: Headers, visibility: str) -> str:
    body: dict[str, Any] = {
        "community_id": t.ids["community"],
        "category_id": t.ids["category"],
        "title": f"{t.name}社区{visibility}诉求",
        "content": "矩阵测试的诉求内容",
        "location": {"address": "矩阵测试地址"},
        "visibility": visibility,
    }
    deadline = time.monotonic() + SYNC_WITHIN
    while True:  # 422 on community_id until petitions has heard of the community
        answer = await gw.post("/api/petitions", json=body, headers=resident)
        if answer.status_code != 422 or time.monotonic() > deadline:
            assert answer.status_code == 201, f"POST /api/petitions: {answer.text}"
            return str(answer.json()["id"])
        await asyncio.sleep(0.3)
