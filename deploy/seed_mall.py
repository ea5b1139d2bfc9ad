"""积分商城 demo data through the API: per community, an exchange counter, a shelf of everyday
goods with stock (one with a per-person limit, one given by a sponsor), and a few orders of
verified residents taken to their demo states: awaiting pickup, picked up, cancelled.

Idempotent: counters and items are found by name, an item is restocked only when it has no
stock at the counter, and an order is found among the resident's own by item before one is
placed. An order waits for the points saga over Kafka: the seed polls it a bounded while and,
if points has not answered by then, says so and leaves it (the mall's sweeper asks again);
a slow broker never fails the seed.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from deploy import demo_data as demo
from deploy.seed_api import Caller, Json, SeedError, log_in

WAIT_FOR_SAGA = 60.0  # seconds all demo orders together may wait for points
KEYS = uuid.UUID("0c5e7a9e-3d51-4d1f-8a43-6a2b1f0e9c27")  # namespace of the idempotency keys
COUNTER = "村委会积分兑换点"
HOURS = [
    {"days": "周一至周五", "open": "08:30", "close": "17:30"},
    {"days": "周六", "open": "09:00", "close": "12:00"},
]
ADDRESSES = {"xiaobeijie": "小北街社区居委会一楼", "fuxing-sq": "复兴社区村委会一楼大厅"}

End = Literal["confirmed", "fulfilled", "cancelled"]


@dataclass(frozen=True)
class Goods:
    name: str
    category: str
    price: int
    units: int
    description: str
    extra: Json = field(default_factory=dict)


SHELF: tuple[Goods, ...] = (
    Goods("老陈醋", "粮油副食", 8, 30, "山西老陈醋 500ml，酸香浓郁，居家常备。"),
    Goods("大米", "粮油副食", 25, 20, "东北珍珠米 5kg 装。"),
    Goods(
        "菜籽油",
        "粮油副食",
        30,
        15,
        "压榨菜籽油 1.8L。",
        {"per_person_limit": 1, "limit_period": "month"},
    ),
    Goods("洗衣粉", "日用百货", 6, 40, "无磷洗衣粉 1kg。", {"sponsor": "城北惠民超市"}),
    Goods("牙膏", "日用百货", 5, 40, "含氟牙膏 120g。"),
    Goods("毛巾", "日用百货", 4, 50, "纯棉毛巾一条。"),
)


@dataclass(frozen=True)
class PlannedOrder:
    """The n-th verified resident of the community orders `item` and takes it to `end`."""

    resident: int
    item: str
    end: End


ORDERS: tuple[PlannedOrder, ...] = (
    PlannedOrder(0, "老陈醋", "confirmed"),
    PlannedOrder(1, "洗衣粉", "fulfilled"),
    PlannedOrder(2, "毛巾", "cancelled"),
)


def operator_of(community: str) -> demo.Staff:
    """The community's counter operator, who writes pickups off."""
    return next(s for s in demo.STAFF if s.community == community and s.role == "counter_operator")


async def request(caller: Caller, method: str, path: str, body: Json | None = None) -> Any:
    return await caller.call(method, path, body=body, service="mall")


async def ensure_counter(staff: Caller, code: str, community_id: str) -> str:
    listed = await request(staff, "GET", f"/counters?community_id={community_id}")
    found = next((c for c in _items(listed) if c["name"] == COUNTER), None)
    if found is not None:
        return str(found["id"])
    body: Json = {"community_id": community_id, "name": COUNTER}
    body["address"] = ADDRESSES.get(code, COUNTER)
    body["opening_hours"] = HOURS
    return str((await request(staff, "POST", "/counters", body))["id"])


async def ensure_shelf(staff: Caller, community_id: str, counter_id: str) -> dict[str, str]:
    """Every demo item of the community, with stock at the counter; name → id."""
    listed = await request(staff, "GET", f"/items?community_id={community_id}&limit=100")
    known = {i["name"]: i for i in _items(listed)}
    ids = {}
    for goods in SHELF:
        item = known.get(goods.name)
        if item is None:
            body: Json = {"community_id": community_id, "name": goods.name}
            body["category"] = goods.category
            body |= {"price": goods.price, "description": goods.description, **goods.extra}
            item = await request(staff, "POST", "/items", body)
        if not any(line["counter_id"] == counter_id for line in item.get("stock", [])):
            restock = {"counter_id": counter_id, "delta": goods.units, "reason": "restock"}
            restock |= {"note": "演示数据：首批到货"}
            await request(staff, "POST", f"/items/{item['id']}/stock", restock)
        ids[goods.name] = str(item["id"])
    return ids


def _items(listed: Any) -> list[Json]:
    """A list answer, plain or paged ({items, next_cursor})."""
    return list(listed["items"] if isinstance(listed, dict) else listed)


async def ensure_order(
    resident: Caller,
    operator: Caller,
    planned: PlannedOrder,
    shelf: tuple[str, str],
    deadline: float,
) -> str:
    """The resident's order of the item (`shelf`: item and counter) taken to its planned end;
    the state it is left in."""
    item_id, counter_id = shelf
    mine = await request(resident, "GET", "/orders?mine=true&limit=100")
    order = next((o for o in mine["items"] if o["item_id"] == item_id), None)
    if order is None:
        body = {"item_id": item_id, "counter_id": counter_id, "quantity": 1}
        key = str(uuid.uuid5(KEYS, f"{item_id}:{planned.resident}:{planned.end}"))
        headers = {"Authorization": f"Bearer {resident.token}", "Idempotency-Key": key}
        answer = await resident.client.post("/api/mall/orders", json=body, headers=headers)
        if answer.is_error:
            raise SeedError(f"POST /api/mall/orders: {answer.status_code} {answer.text[:300]}")
        order = answer.json()
    order = await saga_done(resident, order, deadline)
    if order["status"] != "confirmed" or planned.end == "confirmed":
        return str(order["status"])
    if planned.end == "fulfilled":
        pickup = {"code": order["pickup_code"], "counter_id": counter_id}
        order = await request(operator, "POST", "/pickups", pickup)
    else:
        order = await request(resident, "POST", f"/orders/{order['id']}/cancel", {})
    return str(order["status"])


async def saga_done(resident: Caller, order: Json, deadline: float) -> Json:
    """The order once points has answered, or as it is at `deadline` (said so)."""
    while order["status"] == "pending_points":
        if time.monotonic() > deadline:
            print(
                f"mall demo order {order['id']} still waits for points (the seed waits"
                f" {WAIT_FOR_SAGA:.0f} s in all; slow broker?): left pending, the mall's sweeper"
                " asks points again"
            )
            return order
        await asyncio.sleep(0.5)
        order = await request(resident, "GET", f"/orders/{order['id']}")
    return order


async def seed_mall(
    client: httpx.AsyncClient, units: dict[str, str], staff: dict[str, Caller]
) -> tuple[int, dict[str, int]]:
    """Every demo community's counter, items and orders: how many items, orders by state.

    `staff` is each community's staff member (a mall manager), logged in after the grant.
    """
    states: dict[str, int] = {}
    deadline = time.monotonic() + WAIT_FOR_SAGA  # one budget: a slow broker costs it once
    for code in demo.communities():
        counter = await ensure_counter(staff[code], code, units[code])
        shelf = await ensure_shelf(staff[code], units[code], counter)
        at_counter = (await log_in(client, operator_of(code).phone, demo.DEMO_PASSWORD)).caller
        here = [r for r in demo.RESIDENTS if r.community == code and r.verification == "verified"]
        for planned in ORDERS:
            if planned.resident >= len(here):
                continue
            resident = await log_in(client, here[planned.resident].phone, demo.DEMO_PASSWORD)
            item = (shelf[planned.item], counter)
            state = await ensure_order(resident.caller, at_counter, planned, item, deadline)
            states[state] = states.get(state, 0) + 1
    return len(SHELF) * len(demo.communities()), states
