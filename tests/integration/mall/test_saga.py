"""The redemption saga on real databases, points' own code holding and settling: enough
points, not enough, unverified; cancel and expiry return stock and release; write-off twice."""

from __future__ import annotations

from datetime import timedelta

from services.mall.orders import jobs, rules
from tests.integration.mall.conftest import MallHarness


async def test_order_with_enough_points_is_confirmed_then_picked_up_and_settled(mall: MallHarness):
    community = await mall.community()
    shelf = await mall.shelf(community, price=30, stock=5)
    who = await mall.resident(community, points=100)
    operator = await mall.staff(community, "counter_operator")

    placed = await mall.order(who, shelf, quantity=2)
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert (order["status"], order["total_points"], order["pickup_code"]) == (
        "pending_points",
        60,
        None,
    )
    assert await mall.stock(shelf) == 3

    await mall.pump()
    confirmed = await mall.get(who, order["id"])
    assert confirmed["status"] == "confirmed"
    assert len(confirmed["pickup_code"]) == 8
    assert confirmed["pickup_qr"].startswith("SZM1.")
    assert await mall.wallet(who) == (100, 60)

    # Staff see the order but never its code.
    seen_by_staff = await mall.client.get(
        f"/api/mall/orders/{order['id']}", headers=operator.headers
    )
    assert seen_by_staff.json()["pickup_code"] is None
    # ...and whose it is, masked (李大爷 → 李*爷); the resident's own view has no such field.
    assert seen_by_staff.json()["resident_name"] == "李*爷"
    assert confirmed["resident_name"] is None

    code = confirmed["pickup_code"]
    written = await mall.client.post(
        "/api/mall/pickups",
        json={"code": code.lower(), "counter_id": str(shelf.counter_id)},
        headers=operator.headers,
    )
    assert written.status_code == 200, written.text
    assert written.json()["status"] == "fulfilled"
    assert (written.json()["item_name"], written.json()["resident_name"]) == ("老陈醋", "李*爷")
    again = await mall.client.post(
        "/api/mall/pickups", json={"code": code}, headers=operator.headers
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "取货码已使用"

    await mall.pump()
    assert await mall.wallet(who) == (40, 0)
    assert await mall.stock(shelf) == 3


async def test_order_beyond_the_balance_fails_and_returns_the_stock(mall: MallHarness):
    community = await mall.community()
    shelf = await mall.shelf(community, price=30, stock=1)
    who = await mall.resident(community, points=10)
    order = (await mall.order(who, shelf)).json()
    assert await mall.stock(shelf) == 0
    await mall.pump()
    failed = await mall.get(who, order["id"])
    assert (failed["status"], failed["failure_reason"]) == ("failed", "insufficient")
    assert await mall.stock(shelf) == 1
    assert await mall.wallet(who) == (10, 0)


async def test_unverified_resident_fails_with_the_reason(mall: MallHarness):
    community = await mall.community()
    shelf = await mall.shelf(community)
    who = await mall.resident(community, points=100, verified=False)
    order = (await mall.order(who, shelf)).json()
    await mall.pump()
    failed = await mall.get(who, order["id"])
    assert (failed["status"], failed["failure_reason"]) == ("failed", "unverified")


async def test_cancel_and_expiry_return_stock_and_release_the_hold(mall: MallHarness):
    community = await mall.community()
    shelf = await mall.shelf(community, price=20, stock=2)
    who = await mall.resident(community, points=100)
    first = (await mall.order(who, shelf)).json()
    second = (await mall.order(who, shelf)).json()
    await mall.pump()
    assert await mall.wallet(who) == (100, 40)

    cancelled = await mall.client.post(
        f"/api/mall/orders/{first['id']}/cancel", headers=who.headers
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    twice = await mall.client.post(f"/api/mall/orders/{first['id']}/cancel", headers=who.headers)
    assert twice.status_code == 409

    mall.at(mall.clock.now + timedelta(days=8))

    expired = await jobs.expire_due(session_factory=mall.session_factory, now=mall.clock.now)
    assert expired >= 1  # the module shares its database: earlier orders may expire too
    assert (await mall.get(who, second["id"]))["status"] == "expired"
    await mall.pump()
    assert await mall.stock(shelf) == 2
    assert await mall.wallet(who) == (100, 0)


async def test_a_drawn_code_taken_by_an_open_order_is_drawn_again(mall: MallHarness, monkeypatch):
    community = await mall.community()
    shelf = await mall.shelf(community, price=10, stock=5)
    who = await mall.resident(community, points=100)
    draws = iter(["3479ACDE", "3479ACDE", "4679ACDE"])
    monkeypatch.setattr(rules, "new_pickup_code", lambda: next(draws))
    first = (await mall.order(who, shelf)).json()
    await mall.pump()
    second = (await mall.order(who, shelf)).json()
    await mall.pump()
    codes = [(await mall.get(who, o["id"]))["pickup_code"] for o in (first, second)]
    assert codes == ["3479ACDE", "4679ACDE"]
    assert (await mall.get(who, second["id"]))["status"] == "confirmed"
