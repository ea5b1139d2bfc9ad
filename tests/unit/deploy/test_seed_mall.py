"""The mall's demo plan holds together, and a slow saga never fails the seed."""

from __future__ import annotations

import time

import httpx
import pytest

from deploy import demo_data as demo
from deploy import seed_mall
from deploy.seed_api import Caller

WELCOME = 10  # points every demo resident gets on registering, before any other award


def test_every_planned_order_is_of_an_item_on_the_shelf_its_buyer_can_afford():
    prices = {g.name: g.price for g in seed_mall.SHELF}
    assert {o.item for o in seed_mall.ORDERS} <= set(prices)
    assert all(prices[o.item] <= WELCOME for o in seed_mall.ORDERS)
    assert {o.end for o in seed_mall.ORDERS} == {"confirmed", "fulfilled", "cancelled"}


def test_the_shelf_has_a_limited_item_and_a_sponsored_one_and_every_community_an_operator():
    assert any(g.extra.get("per_person_limit") for g in seed_mall.SHELF)
    assert any(g.extra.get("sponsor") for g in seed_mall.SHELF)
    for code in demo.communities():
        assert seed_mall.operator_of(code).role == "counter_operator"
        verified = [
            r for r in demo.RESIDENTS if r.community == code and r.verification == "verified"
        ]
        assert max(o.resident for o in seed_mall.ORDERS) < len(verified)


async def test_an_order_points_never_answers_is_left_pending_at_the_deadline(capsys):
    pending = {"id": "o-1", "status": "pending_points"}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=pending))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        started = time.monotonic()
        order = await seed_mall.saga_done(Caller(client, "t"), pending, time.monotonic() + 1.2)
    assert order["status"] == "pending_points"
    assert 1.2 <= time.monotonic() - started < 3
    assert "still waits for points" in capsys.readouterr().out


@pytest.mark.parametrize("listed", [[{"id": 1}], {"items": [{"id": 1}], "next_cursor": None}])
def test_lists_are_read_plain_or_paged(listed):
    assert seed_mall._items(listed) == [{"id": 1}]
