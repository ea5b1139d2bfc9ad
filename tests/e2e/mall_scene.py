"""The mall on a running platform, through the gateway: a counter and an item with stock set up by
a community's staff, residents with points to pay, orders placed and waited for."""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx

from kit.db import asyncpg_dsn
from tests.e2e.platform import Platform
from tests.e2e.scene import PASSWORD
from tests.e2e.tenants import Headers, call, id_number, login

PROJECTED_WITHIN = 60.0  # seconds for points to open the account of a newly registered resident
SETTLED_WITHIN = 60.0  # seconds for an order to leave pending_points with every process up
HOURS = [{"days": "周一至周六", "open": "08:30", "close": "17:30"}]


@dataclass(frozen=True)
class Shelf:
    """An item on sale at one counter of the community."""

    counter_id: str
    item_id: str
    price: int
    units: int


async def open_counter(
    gw: httpx.AsyncClient, staff: Headers, community_id: str, name: str = "村委会积分兑换点"
) -> str:
    body: dict[str, Any] = {"community_id": community_id, "name": name, "address": "村委会一楼大厅"}
    body["opening_hours"] = HOURS
    return str((await call(gw, "POST", "/api/mall/counters", 201, json=body, headers=staff))["id"])


async def shelve(
    gw: httpx.AsyncClient,
    staff: Headers,
    community_id: str,
    counter_id: str,
    *,
    name: str,
    price: int,
    units: int,
    **extra: Any,
) -> Shelf:
    """An item of the community at `price`, with `units` restocked at the counter."""
    body = {"community_id": community_id, "name": name, "category": "粮油副食", "price": price}
    item = await call(gw, "POST", "/api/mall/items", 201, json=body | extra, headers=staff)
    restock = {"counter_id": counter_id, "delta": units, "reason": "restock", "note": "首批到货"}
    await call(gw, "POST", f"/api/mall/items/{item['id']}/stock", 200, json=restock, headers=staff)
    return Shelf(counter_id, str(item["id"]), price, units)


async def verified_resident(
    gw: httpx.AsyncClient, staff: Headers, community_id: str, phone: str, serial: int
) -> tuple[str, Headers]:
    """A registered resident verified by the community's staff: their id and a fresh token."""
    body = {"phone": phone, "password": PASSWORD, "name": f"居民{serial}"}
    body["community_id"] = community_id
    person = str((await call(gw, "POST", "/api/identity/residents", 201, json=body))["id"])
    me = await login(gw, phone)
    real = {"real_name": f"居民{serial}", "id_number": id_number(serial)}
    await call(gw, "POST", "/api/identity/me/verification", 202, json=real, headers=me)
    approve = f"/api/identity/residents/{person}/verification/approve"
    await call(gw, "POST", approve, 200, json={}, headers=staff)
    return person, await login(gw, phone)  # a token that carries `verified`


async def fund(
    gw: httpx.AsyncClient, staff: Headers, resident_id: str, amount: int, item_code: str = "VOL-ENV"
) -> None:
    """Award `amount` points by a staff adjustment, once points has opened the account."""
    body = {"resident_id": resident_id, "amount": amount, "item_code": item_code}
    body["reason"] = "参加志愿服务"
    deadline = time.monotonic() + PROJECTED_WITHIN
    while True:  # 409 until points has heard of the resident from identity's events
        answer = await gw.post("/api/points/adjustments", json=body, headers=staff)
        if answer.status_code != 409 or time.monotonic() > deadline:
            assert answer.status_code == 201, f"adjustment: {answer.status_code} {answer.text}"
            return
        await asyncio.sleep(0.3)


async def account(gw: httpx.AsyncClient, me: Headers) -> dict[str, Any]:
    return dict(await call(gw, "GET", "/api/points/accounts/me", 200, headers=me))


async def place(
    gw: httpx.AsyncClient, me: Headers, shelf: Shelf, quantity: int = 1, key: str | None = None
) -> httpx.Response:
    body = {"item_id": shelf.item_id, "counter_id": shelf.counter_id, "quantity": quantity}
    headers = {**me, "Idempotency-Key": key or str(uuid.uuid4())}
    return await gw.post("/api/mall/orders", json=body, headers=headers)


async def settled(
    gw: httpx.AsyncClient, me: Headers, order_id: str, within: float = SETTLED_WITHIN
) -> dict[str, Any]:
    """The order once it has left pending_points (or as it is when `within` runs out)."""
    deadline = time.monotonic() + within
    while True:
        order = dict(await call(gw, "GET", f"/api/mall/orders/{order_id}", 200, headers=me))
        if order["status"] != "pending_points" or time.monotonic() > deadline:
            return order
        await asyncio.sleep(0.2)


async def query(platform: Platform, service: str, sql: str, *args: object) -> list[Any]:
    """Rows from a service's own database: the test's look behind the API, never the app's."""
    conn = await asyncpg.connect(asyncpg_dsn(platform.databases[service]))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()
