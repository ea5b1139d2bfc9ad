"""Mall fixtures of a matrix tenant: its community's counter, an item stocked there, and an order
of the tenant's (verified) resident, paid with points awarded by the staff and confirmed over
Kafka, so its pickup code exists. Runs after add_petitions, which verifies the resident."""

from __future__ import annotations

import httpx

from tests.e2e.mall_scene import fund, open_counter, place, settled, shelve
from tests.e2e.tenants import Tenant


async def add_mall(gw: httpx.AsyncClient, t: Tenant) -> None:
    staff, resident = t.callers["staff"], t.callers["resident"]
    community = t.ids["community"]
    t.ids["counter"] = counter = await open_counter(gw, staff, community, f"{t.name}兑换点")
    shelf = await shelve(gw, staff, community, counter, name=f"{t.name}社区大米", price=5, units=10)
    t.ids["item"] = shelf.item_id
    await fund(gw, staff, t.ids["resident"], 20)
    placed = await place(gw, resident, shelf)
    assert placed.status_code == 201, f"POST /api/mall/orders: {placed.text}"
    order = await settled(gw, resident, placed.json()["id"])
    assert order["status"] == "confirmed", f"tenant {t.name}'s order: {order}"
    t.ids["order"] = str(order["id"])
