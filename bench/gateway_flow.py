"""Benchmarks of the whole platform (every process running, its own broker):

P1a paced latency: signed single-event pushes at a few offered rates; latency from the
    partner's 202 to the award being visible to a reader of the points database (polled every
    20 ms, so a row is seen only once its transaction has committed: what the resident's API
    read would see). Its awards/s is the offered rate, so none is printed.
P1b sustained throughput: points stopped, a backlog pushed as fast as the gateway takes it,
    points started again; awards/s while it drains, beside the raw aiokafka consume rate of
    as many events. Both clocks include the consumer's bootstrap and group join (points' from
    its /readyz answer, awards applied before that are reported) and neither includes shutdown.
P2  GET /api/points/accounts/me through the gateway vs straight to points, from a load
    generator running as its own process (bench.http_load), the two sides interleaved
    (A, B, A, B, ...). Only 200s count as served; the gateway's rate limits are raised out of
    reach so a 429 cannot pass for a served request.

Prints figures, or exits non-zero when the measured work did not complete. Needs DATABASE_URL
(`make bench` provides it):

    python -m bench.gateway_flow --rates 50,100,200 --seconds 5 --backlog 3000 --load-seconds 8
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
from typing import Any

import asyncpg
import httpx

from bench.kit_throughput import raw_consume, require
from kit.db import asyncpg_dsn
from tests.e2e.platform import Platform, start_platform
from tests.e2e.scene import Scene, activity, prepare

PHONES = [f"136{i:08d}" for i in range(50)]
UNTHROTTLED = {
    "RATE_LIMIT_PERSON": "10000000/minute",
    "RATE_LIMIT_ANONYMOUS": "10000000/minute",
    "RATE_LIMIT_LOGIN": "10000000/minute",
}
VISIBLE_SQL = """
    SELECT split_part(source_id, ':', 1) AS event FROM postings
    WHERE source_type = 'volunteer' AND created_at >= to_timestamp($1)
"""


class Visibility:
    """Polls the points database; remembers when each award was first seen committed."""

    def __init__(self, platform: Platform, since: float) -> None:
        self.dsn = asyncpg_dsn(platform.databases["points"])
        self.since = since - 1  # created_at is the transaction's start: never after the push
        self.seen: dict[str, float] = {}

    async def poll(self, conn: asyncpg.Connection) -> None:
        rows = await conn.fetch(VISIBLE_SQL, self.since)
        now = time.time()
        for r in rows:
            self.seen.setdefault(r["event"], now)

    async def count(self, ids: set[str]) -> int:
        conn = await asyncpg.connect(self.dsn)
        try:
            await self.poll(conn)
        finally:
            await conn.close()
        return len(ids & self.seen.keys())

    async def during(self, pushing: asyncio.Task[None], acked: dict[str, float]) -> bool:
        """Poll while `pushing` runs, so each award is stamped when it appears, then until every
        acked push is visible (two minutes at most)."""
        conn = await asyncpg.connect(self.dsn)
        try:
            while not pushing.done():
                await self.poll(conn)
                await asyncio.sleep(0.02)
        finally:
            await conn.close()
        await pushing
        return await self.until(set(acked), timeout=120)

    async def until(self, ids: set[str], timeout: float) -> bool:
        conn = await asyncpg.connect(self.dsn)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                await self.poll(conn)
                if ids <= self.seen.keys():
                    return True
                await asyncio.sleep(0.02)
            return ids <= self.seen.keys()
        finally:
            await conn.close()


async def push_at(scene: Scene, rate: int, seconds: float, acked: dict[str, float]) -> None:
    """Single-event pushes paced to `rate`/s; fills event id → when its 202 came back."""
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
    require(len(acked) == count, f"{len(acked)} of {count} pushes at {rate}/s were accepted")


async def paced_latency(platform: Platform, scene: Scene, rate: int, seconds: float) -> None:
    watch = Visibility(platform, time.time())
    acked: dict[str, float] = {}
    complete = await watch.during(asyncio.create_task(push_at(scene, rate, seconds, acked)), acked)
    require(complete, f"{len(acked.keys() & watch.seen.keys())} of {len(acked)} awards visible")
    lat = sorted(watch.seen[i] - acked[i] for i in acked)
    p50 = statistics.median(lat) * 1000
    p99 = lat[max(0, int(len(lat) * 0.99) - 1)] * 1000
    print(
        f"P1a offered {rate:4d} pushes/s for {seconds:g} s: {len(acked)} awards, "
        f"202→visible p50 {p50:.0f} ms  p99 {p99:.0f} ms"
    )


async def push_backlog(scene: Scene, count: int) -> set[str]:
    events = [
        activity(PHONES[n % len(PHONES)], community_id=scene.community_id) for n in range(count)
    ]
    for start in range(0, count, 100):
        answer = await scene.push(events[start : start + 100])
        require(answer.status_code == 202, f"backlog push answered {answer.status_code}")
        require(not answer.json()["rejected"], f"backlog push rejected {answer.json()}")
    return {e["id"] for e in events}


async def sustained(platform: Platform, scene: Scene, backlog: int) -> None:
    await platform.children["points"].stop()  # graceful: it leaves the consumer group
    watch = Visibility(platform, time.time())
    ids = await push_backlog(scene, backlog)
    await platform.start("points")  # returns once /readyz answers: its consumer is joining
    started = time.perf_counter()
    early = await watch.count(ids)
    complete = await watch.until(ids, timeout=600)
    drained = time.perf_counter() - started
    require(complete, f"{len(ids & watch.seen.keys())} of {backlog} backlog awards visible")
    raw = await raw_consume(platform.broker.bootstrap, "volunteer.events", backlog)
    rest = backlog - early
    print(
        f"P1b backlog of {backlog}: {rest} drained after points was ready at "
        f"{rest / drained:8.1f} awards/s ({drained:.2f} s; {early} applied before ready)"
    )
    print(f"P1b raw aiokafka consume of {backlog}: {backlog / raw:8.0f} events/s ({raw:.2f} s)")
    print(f"P1b ratio awards/raw {(rest / drained) / (backlog / raw):.3f}")


async def load(url: str, token: str, seconds: float) -> dict[str, Any]:
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
    require(proc.returncode == 0, f"the load generator exited {proc.returncode}")
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


async def p2(platform: Platform, scene: Scene, seconds: float, rounds: int) -> None:
    answer = await scene.gw.post(
        "/api/identity/auth/login", json={"phone": PHONES[0], "password": "Passw0rd!"}
    )
    token = answer.json()["access_token"]
    path = "/api/points/accounts/me"
    sides = {
        "via gateway": f"{platform.gateway}{path}",
        "direct     ": f"{platform.url('points')}{path}",
    }
    totals = {name: {"served": 0.0, "elapsed": 0.0} for name in sides}
    for n in range(rounds):
        for name, url in sides.items():
            r = await load(url, token, seconds)
            totals[name]["served"] += r["served"]
            totals[name]["elapsed"] += r["elapsed"]
            print(
                f"P2 round {n + 1} {name}: {r['rps']:7.1f} served/s  p50 {r['p50_ms'] or 0:.1f} ms"
                f"  p99 {r['p99_ms'] or 0:.1f} ms  statuses {r['statuses']}"
            )
            require(r["served"] > 0, f"{name} served nothing")
    rate = {name: t["served"] / t["elapsed"] for name, t in totals.items()}
    via, direct = rate["via gateway"], rate["direct     "]
    print(f"P2 {rounds} rounds each: gateway {via:.1f}/s, direct {direct:.1f}/s served")
    print(f"P2 gateway/direct served ratio {via / direct:.3f}")


async def main(
    rates: list[int], seconds: float, backlog: int, load_seconds: float, rounds: int
) -> None:
    with tempfile.TemporaryDirectory() as work:
        platform = await start_platform(Path(work), overrides=UNTHROTTLED)
        try:
            async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
                scene = await prepare(gw)
                for n, phone in enumerate(PHONES):
                    await scene.register(phone, f"志愿者{n}")
                for rate in rates:
                    await paced_latency(platform, scene, rate, seconds)
                await sustained(platform, scene, backlog)
                await p2(platform, scene, load_seconds, rounds)
        finally:
            await platform.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="50,100,200")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--backlog", type=int, default=3000)
    parser.add_argument("--load-seconds", type=float, default=8, help="per side and round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(
        main(
            [int(r) for r in args.rates.split(",")],
            args.seconds,
            args.backlog,
            args.load_seconds,
            args.rounds,
        )
    )
