"""Benchmark: 1,000 residents who can each pay for one unit race for an item with 100 units,
through the gateway of a whole running platform (every process, its own Kafka broker).

Each order is one POST /api/mall/orders (stock reserved in one conditional update); points
holds the price over Kafka and the mall confirms or fails the order. Prints placement latency
p50/p99, the time from the first order until no order is left in pending_points, and orders/s
over that time. Refuses to print anything unless exactly `units` orders ended confirmed, every
other one was refused at placement (409) or failed, the stock is 0 and points holds exactly
units × price. Load goes to 127.0.0.1 only, at bounded concurrency.

Residents are registered through the API (argon2: the slow part of the setup) and log in by SMS
code read from identity's local SMS outbox, so the setup hashes each password once. Needs
DATABASE_URL (`make bench` starts the test stack):

    python -m bench.mall_orders --residents 1000 --units 100 --concurrency 100
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import re
import statistics
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TypeVar

import httpx

from bench.kit_throughput import require
from tests.e2e.mall_scene import fund, open_counter, query, shelve
from tests.e2e.platform import ADMIN_PASSWORD, ADMIN_PHONE, Platform, start_platform
from tests.e2e.scene import PASSWORD, Scene, prepare
from tests.e2e.tenants import login

T = TypeVar("T")
PRICE = 10
SETTLE_WITHIN = 600.0  # seconds after the last placement for every order to leave pending_points
UNTHROTTLED = {
    "RATE_LIMIT_PERSON": "10000000/minute",
    "RATE_LIMIT_ANONYMOUS": "10000000/minute",
    "RATE_LIMIT_LOGIN": "10000000/minute",
    "SMS_LIMIT_PER_IP": "10000000/hour",
    "LOGIN_LIMIT_PER_IP": "10000000/minute",
    "ACCESS_TOKEN_MINUTES": "120",
}
CODE = re.compile(r"验证码是(\d{6})")


async def bounded(limit: int, jobs: Sequence[Callable[[], Awaitable[T]]]) -> list[T]:
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[T]]) -> T:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def residents(
    scene: Scene, platform: Platform, count: int
) -> list[tuple[str, dict[str, str]]]:
    """`count` residents of the scene's community, each with a token and PRICE points."""
    gw = scene.gw
    phones = [f"135{n:08d}" for n in range(count)]

    async def register(phone: str) -> str:
        body = {"phone": phone, "password": PASSWORD, "name": "居民"}
        answer = await gw.post(
            "/api/identity/residents", json=body | {"community_id": scene.community_id}
        )
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])

    ids = await bounded(8, [functools.partial(register, p) for p in phones])

    async def ask_code(phone: str) -> None:
        sent = await gw.post("/api/identity/auth/sms-code", json={"phone": phone})
        assert sent.status_code == 202, sent.text

    await bounded(16, [functools.partial(ask_code, p) for p in phones])
    rows = await query(platform, "identity", "SELECT phone, body FROM sms_outbox")
    codes = {r["phone"]: m.group(1) for r in rows if (m := CODE.search(r["body"]))}

    async def log_in(phone: str) -> dict[str, str]:
        body = {"phone": phone, "code": codes[phone]}
        answer = await gw.post("/api/identity/auth/sms-login", json=body)
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    tokens = await bounded(16, [functools.partial(log_in, p) for p in phones])
    await bounded(16, [functools.partial(fund, gw, scene.staff, i, PRICE) for i in ids])
    return list(zip(ids, tokens, strict=True))


async def order(
    gw: httpx.AsyncClient, me: dict[str, str], item: str, counter: str
) -> tuple[int, float, str | None]:
    body = {"item_id": item, "counter_id": counter, "quantity": 1}
    headers = {**me, "Idempotency-Key": str(uuid.uuid4())}
    started = time.perf_counter()
    answer = await gw.post("/api/mall/orders", json=body, headers=headers)
    took = time.perf_counter() - started
    return answer.status_code, took, answer.json()["id"] if answer.status_code == 201 else None


async def outcome(platform: Platform, item: str) -> Counter[str]:
    rows = await query(
        platform,
        "mall",
        "SELECT status, count(*) AS n FROM orders WHERE item_id = $1::uuid GROUP BY status",
        item,
    )
    return Counter({r["status"]: int(r["n"]) for r in rows})


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-mall-") as work:
        platform = await start_platform(Path(work), UNTHROTTLED)
        try:
            await measure(platform, args)
        finally:
            await platform.stop()


async def measure(platform: Platform, args: argparse.Namespace) -> None:
    limits = httpx.Limits(max_connections=args.concurrency + 10)
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=60, limits=limits) as gw:
        setup = time.monotonic()
        scene = await prepare(gw)
        spend = {"publicity_days": 3, "verified_only_spend": False}  # unverified residents pay
        settings = f"/api/points/communities/{scene.community_id}/settings"
        admin = await login(gw, ADMIN_PHONE, ADMIN_PASSWORD)  # settings are an admin's
        changed = await gw.put(settings, json=spend, headers=admin)
        require(changed.status_code == 200, f"community settings: {changed.text}")
        payers = await residents(scene, platform, args.residents)
        counter = await open_counter(gw, scene.staff, scene.community_id)
        shelf = await shelve(
            gw,
            scene.staff,
            scene.community_id,
            counter,
            name="老陈醋",
            price=PRICE,
            units=args.units,
        )
        took = time.monotonic() - setup
        print(f"setup: {args.residents} residents with {PRICE} points each in {took:.0f} s")

        started = time.perf_counter()
        jobs = [functools.partial(order, gw, me, shelf.item_id, counter) for _, me in payers]
        placed = await bounded(args.concurrency, jobs)
        placing = time.perf_counter() - started
        statuses = Counter(status for status, _, _ in placed)
        require(set(statuses) <= {201, 409}, f"placement answers {dict(statuses)}")

        deadline = time.monotonic() + SETTLE_WITHIN
        while (states := await outcome(platform, shelf.item_id))["pending_points"]:
            require(time.monotonic() < deadline, f"orders still pending: {dict(states)}")
            await asyncio.sleep(0.05)
        settled = time.perf_counter() - started

    stock = await query(
        platform, "mall", "SELECT quantity FROM stock WHERE item_id = $1::uuid", shelf.item_id
    )
    held = await query(platform, "points", "SELECT coalesce(sum(held), 0) AS held FROM accounts")
    refused = statuses[409]
    require(states["confirmed"] == args.units, f"{states['confirmed']} confirmed, not {args.units}")
    require(
        refused + states["failed"] == args.residents - args.units,
        f"{refused} refused at placement and {states['failed']} failed",
    )
    require(int(stock[0]["quantity"]) == 0, f"stock left {stock[0]['quantity']}")
    require(int(held[0]["held"]) == args.units * PRICE, f"points held {held[0]['held']}")

    latencies = sorted(took for _, took, _ in placed)
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(
        f"mall orders: {args.residents} residents race for {args.units} units, concurrency"
        f" {args.concurrency}: {states['confirmed']} confirmed, {refused} refused at placement,"
        f" {states['failed']} failed; stock 0, points held {held[0]['held']}"
    )
    print(
        f"  placement p50 {statistics.median(latencies) * 1000:.0f} ms,"
        f" p99 {p99 * 1000:.0f} ms; all placed in {placing:.2f} s"
        f" ({args.residents / placing:.0f} orders/s placed)"
    )
    print(
        f"  all settled (none pending_points) {settled:.2f} s after the first order:"
        f" {args.residents / settled:.0f} orders/s end to end"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    require(args.residents > args.units > 0, "more residents than units, and some units")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
