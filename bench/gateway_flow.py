"""Benchmarks of the whole platform (every process running, its own broker):

P1a awards under a steady offered load (bench.award_latency): open-loop signed pushes at each
    offered rate from a generator process, over 500 residents; 202 → committed for every
    award, 202 → listed by the resident's API for a tracked sample, and the points group's lag.
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

    python -m bench.gateway_flow --rates 200,500,1000 --seconds 20 --backlog 3000 --load-seconds 8
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.award_latency import UNTHROTTLED, p1a
from bench.award_residents import wallets_of
from bench.common import load_process
from bench.kit_throughput import raw_consume, require
from kit.db import asyncpg_dsn
from kit.phone import phone_hash
from tests.e2e.platform import SHARED_SECRETS, Platform, start_platform
from tests.e2e.scene import Scene, activity, prepare

PHONES = [f"136{i:08d}" for i in range(50)]
# By resident, on the (resident_id, created_at) index: P1a has left tens of thousands of rows.
VISIBLE_SQL = """
    SELECT split_part(source_id, ':', 1) AS event FROM postings
    WHERE resident_id = ANY($2::uuid[]) AND created_at >= to_timestamp($1)
        AND source_type = 'volunteer'
"""


class Visibility:
    """Polls the points database; remembers when each award was first seen committed."""

    def __init__(self, platform: Platform, since: float, residents: list[uuid.UUID]) -> None:
        self.dsn = asyncpg_dsn(platform.databases["points"])
        self.residents = residents
        self.since = since - 1  # created_at is the transaction's start: never after the push
        self.seen: dict[str, float] = {}

    async def poll(self, conn: asyncpg.Connection) -> None:
        rows = await conn.fetch(VISIBLE_SQL, self.since, self.residents)
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
    hashes = [phone_hash(SHARED_SECRETS["PHONE_HASH_KEY"], phone) for phone in PHONES]
    residents = await wallets_of(asyncpg_dsn(platform.databases["points"]), hashes)
    await platform.children["points"].stop()  # graceful: it leaves the consumer group
    watch = Visibility(platform, time.time(), list(residents.values()))
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
    return await load_process(
        "bench.http_load",
        url,
        "--header",
        f"Authorization: Bearer {token}",
        "--seconds",
        str(seconds),
        "--concurrency",
        "32",
    )


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


async def main(args: argparse.Namespace) -> None:
    rates = [int(r) for r in args.rates.split(",")]
    with tempfile.TemporaryDirectory() as work:
        platform = await start_platform(Path(work), overrides=UNTHROTTLED)
        try:
            async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
                scene = await prepare(gw)
                for n, phone in enumerate(PHONES):
                    await scene.register(phone, f"志愿者{n}")
                await p1a(platform, scene, rates, args.seconds, args.residents, args.tracked)
                await sustained(platform, scene, args.backlog)
                await p2(platform, scene, args.load_seconds, args.rounds)
        finally:
            await platform.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="200,500,1000", help="P1a: pushes per second offered")
    parser.add_argument("--seconds", type=float, default=20, help="P1a: per offered rate")
    parser.add_argument("--residents", type=int, default=500, help="P1a: pushed to in turn")
    parser.add_argument("--tracked", type=int, default=16, help="P1a: read through the API")
    parser.add_argument("--backlog", type=int, default=3000)
    parser.add_argument("--load-seconds", type=float, default=8, help="per side and round")
    parser.add_argument("--rounds", type=int, default=2)
    asyncio.run(main(parser.parse_args()))
