"""Benchmarks of the whole platform (every process running, its own broker):

P1  signed pushes → credited awards at a few push rates: awards/s and push-to-credit latency
    p50/p99, next to the raw aiokafka consume rate of the same events.
P2  GET /api/points/accounts/me through the gateway vs straight to points, from a load
    generator running as its own process (bench.http_load).

Prints figures; never passes or fails. Needs DATABASE_URL (`make bench` provides it):

    python -m bench.gateway_flow --rates 50,100,200 --seconds 5 --load-seconds 8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

from bench.kit_throughput import raw_consume
from kit.db import asyncpg_dsn
from tests.e2e.platform import Platform, start_platform
from tests.e2e.scene import Scene, activity, prepare

PHONES = [f"136{i:08d}" for i in range(50)]


async def push_at(scene: Scene, rate: int, seconds: float) -> dict[str, float]:
    """Single-event pushes paced to `rate`/s; returns event id → when its 202 came back."""
    acked: dict[str, float] = {}
    count = int(rate * seconds)
    started = time.perf_counter()

    async def one(n: int) -> None:
        event = activity(PHONES[n % len(PHONES)], community_id=scene.community_id)
        answer = await scene.push(event)
        if answer.status_code == 202:
            acked[event["id"]] = time.time()

    tasks = []
    for n in range(count):
        await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one(n)))
    await asyncio.gather(*tasks)
    return acked


async def credited(platform: Platform, ids: dict[str, float], timeout: float) -> dict[str, float]:
    """Event id → when points posted it (the posting row's commit-side clock)."""
    conn = await asyncpg.connect(asyncpg_dsn(platform.databases["points"]))
    try:
        deadline = time.monotonic() + timeout
        while True:
            rows = await conn.fetch(
                "SELECT split_part(source_id, ':', 1) AS event,"
                " extract(epoch FROM created_at) AS t"
                " FROM postings WHERE source_type = 'volunteer'"
            )
            found = {r["event"]: float(r["t"]) for r in rows if r["event"] in ids}
            if len(found) == len(ids) or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.5)
    finally:
        await conn.close()


async def p1(platform: Platform, scene: Scene, rates: list[int], seconds: float) -> None:
    total = 0
    for rate in rates:
        acked = await push_at(scene, rate, seconds)
        done = await credited(platform, acked, timeout=120)
        total += len(acked)
        lat = sorted(done[i] - acked[i] for i in done)
        span = max(done.values()) - min(acked[i] for i in done)
        p50 = statistics.median(lat) * 1000
        p99 = lat[max(0, int(len(lat) * 0.99) - 1)] * 1000
        print(
            f"P1 push rate {rate:4d}/s: {len(done)}/{len(acked)} credited, "
            f"{len(done) / span:7.1f} awards/s, push→credit p50 {p50:.0f} ms p99 {p99:.0f} ms"
        )
    raw = await raw_consume(platform.broker.bootstrap, "volunteer.events", total)
    print(f"P1 raw aiokafka consume of the same {total} events: {total / raw:10.0f} events/s")


async def load(url: str, token: str, seconds: float) -> dict[str, float]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.http_load",
        url,
        "--header",
        f"Authorization: Bearer {token}",
        "--seconds",
        str(seconds),
        "--concurrency",
        "32",
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


async def p2(platform: Platform, scene: Scene, seconds: float) -> None:
    answer = await scene.gw.post(
        "/api/identity/auth/login", json={"phone": PHONES[0], "password": "Passw0rd!"}
    )
    token = answer.json()["access_token"]
    path = "/api/points/accounts/me"
    via = await load(f"{platform.gateway}{path}", token, seconds)
    direct = await load(f"{platform.url('points')}{path}", token, seconds)
    for name, r in (("via gateway", via), ("direct     ", direct)):
        print(
            f"P2 {name}: {r['rps']:7.1f} req/s  p50 {r['p50_ms']:.1f} ms  "
            f"p99 {r['p99_ms']:.1f} ms  errors {r['errors']:.0f}"
        )
    print(f"P2 gateway/direct throughput ratio {via['rps'] / direct['rps']:.3f}")


async def main(rates: list[int], seconds: float, load_seconds: float) -> None:
    with tempfile.TemporaryDirectory() as work:
        platform = await start_platform(Path(work))
        try:
            async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
                scene = await prepare(gw)
                for n, phone in enumerate(PHONES):
                    await scene.register(phone, f"志愿者{n}")
                await p1(platform, scene, rates, seconds)
                await p2(platform, scene, load_seconds)
        finally:
            await platform.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="50,100,200")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--load-seconds", type=float, default=8)
    args = parser.parse_args()
    asyncio.run(main([int(r) for r in args.rates.split(",")], args.seconds, args.load_seconds))
