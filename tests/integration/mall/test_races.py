"""Races on real databases, points' own code answering: many residents for the last units,
one resident for more than they can pay, the per-person limit, and a replayed
Idempotency-Key. Nothing oversells, spends twice or counts twice."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from tests.integration.mall.conftest import MallHarness
from tests.integration.mall.crowd import crowd

HELD_SQL = """SELECT coalesce(sum(held), 0)::bigint FROM accounts
              WHERE kind = 'resident' AND community_id = $1"""


async def held(mall: MallHarness, community_id: object) -> int:
    total = await mall.points.fetchval(
        HELD_SQL,
        community_id,
    )
    assert isinstance(total, int)
    return total


async def statuses(mall: MallHarness) -> Counter[str]:
    return Counter(await mall.db_val("SELECT array_agg(status) FROM orders") or [])


async def test_two_hundred_residents_race_for_twenty_units(mall: MallHarness):
    community = await mall.community()
    shelf = await mall.shelf(community, price=30, stock=20)
    started = time.monotonic()
    people = await crowd(mall, community, 200, points=100)
    print(f"200 residents ready in {time.monotonic() - started:.1f}s")

    answers = await asyncio.gather(*(mall.order(who, shelf) for who in people))

    codes = Counter(a.status_code for a in answers)
    assert codes == {201: 20, 409: 180}, codes
    assert {a.json()["field"] for a in answers if a.status_code == 409} == {"quantity"}
    assert await mall.stock(shelf) == 0
    await mall.pump()
    assert await statuses(mall) == {"confirmed": 20}
    assert await held(mall, community.id) == 20 * 30
    assert await mall.stock(shelf) == 0


async def test_one_resident_racing_twenty_orders_pays_for_three(mall: MallHarness):
    community = await mall.community()
    shelf = await mall.shelf(community, price=30, stock=50)
    who = await mall.resident(community, points=90)

    answers = await asyncio.gather(*(mall.order(who, shelf) for _ in range(20)))

    assert [a.status_code for a in answers] == [201] * 20
    await mall.pump()
    assert await statuses(mall) == {"confirmed": 3, "failed": 17}
    reasons = await mall.db_val(
        "SELECT array_agg(DISTINCT failure_reason) FROM orders WHERE status = 'failed'"
    )
    assert reasons == ["insufficient"]
    assert await mall.wallet(who) == (90, 90)
    assert await mall.stock(shelf) == 47


async def test_the_per_person_limit_holds_under_a_race(mall: MallHarness):
    community = await mall.community()
    shelf = await mall.shelf(community, price=10, stock=50, limit=(1, "month"))
    who = await mall.resident(community, points=500)

    answers = await asyncio.gather(*(mall.order(who, shelf) for _ in range(10)))

    codes = Counter(a.status_code for a in answers)
    assert codes == {201: 1, 409: 9}, codes
    assert {a.json()["field"] for a in answers if a.status_code == 409} == {"quantity"}
    assert await mall.stock(shelf) == 49


async def test_a_replayed_idempotency_key_answers_the_same_order(mall: MallHarness):
    community = await mall.community()
    shelf = await mall.shelf(community, price=10, stock=50)
    who = await mall.resident(community, points=500)

    first = await mall.order(who, shelf, 1, **{"Idempotency-Key": "order-1"})
    again = await mall.order(who, shelf, 1, **{"Idempotency-Key": "order-1"})
    together = await asyncio.gather(
        *(mall.order(who, shelf, 1, **{"Idempotency-Key": "order-2"}) for _ in range(10))
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers.get("Idempotent-Replay") == "1"
    assert {a.status_code for a in together} == {201}
    assert len({a.json()["id"] for a in together}) == 1
    assert await mall.stock(shelf) == 48
    moves = await mall.db_val("SELECT count(*) FROM stock_moves WHERE reason = 'order'")
    assert moves == 2
