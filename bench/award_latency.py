"""P1a, awards under a steady offered load: signed single-event partner pushes through the
gateway at each offered rate for a fixed time, spread over many residents in turn.

- Offered load: bench.push_load, its own process, sends push n at start + n / rate whatever
  the answers before it did (open loop), over a pool of keep-alive connections; printed: the
  rate it sent at, how late pushes left (a generator or gateway falling behind shows here),
  the 202s and their rate, any other answer.
- 202 → committed, every award: this process polls the points database as transactions
  commit (LISTEN on the outbox's NOTIFY; at most every 20 ms, at least every 0.5 s; its own
  connection, the (resident, created_at) index); an award is stamped when first seen
  committed, which is when any reader, the resident's API included, could see it.
- 202 → listed by the resident's API, a tracked sample: a few residents are registered and
  signed in through the gateway; as soon as the poll sees one of their awards committed, their
  `GET /api/points/accounts/me/postings` is read through the gateway until it lists it. An
  upper bound of API visibility (commit, the poll's delay, one read), measured on a sample so
  the reads do not load a 2-core machine that the measurement shares.
- Whether the consumer kept up: the points group's lag on volunteer.events (end offsets less
  committed offsets, read from Kafka), each second during the run, right after the last 202,
  and how long after the last 202 it was back to 0.

The other residents are announced to points as identity announces a registration (a
ResidentRegistered event on identity.events, the phone hash keyed as in production): their
wallets are points' own, and registering each through the API would cost ~0.3 s of argon2.
The gateway's per-partner push limit is raised out of reach by the caller (a real partner at
1,000/s needs it raised too). Refuses to print a run's figures unless every accepted push's
award was committed and every tracked one listed by the API.

    python -m bench.award_latency --rates 200,500,1000 --seconds 20 --residents 500 --tracked 16

(bench.gateway_flow runs the same on its platform, before P1b and P2.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.award_watch import ApiSample, Commits, Lag
from bench.kit_throughput import require
from contracts.identity import ResidentRegistered
from contracts.volunteer import ActivityCompleted
from kit.db import asyncpg_dsn
from kit.events import new_event, serialize
from kit.kafka import make_producer
from kit.phone import phone_hash
from tests.e2e.platform import SHARED_SECRETS, Platform, start_platform
from tests.e2e.scene import Scene, prepare

UNTHROTTLED = {
    "RATE_LIMIT_PERSON": "10000000/minute",
    "RATE_LIMIT_ANONYMOUS": "10000000/minute",
    "RATE_LIMIT_LOGIN": "10000000/minute",
    "WEBHOOK_RATE_LIMIT_PARTNER": "10000000/minute",
}
DRAIN_TIMEOUT = 900.0


@dataclass
class Residents:
    phones: list[str]  # the generator's phone index is the index here; tracked ones first
    ids: list[uuid.UUID]
    tokens: dict[uuid.UUID, dict[str, str]]  # tracked residents' bearer headers


async def residents(platform: Platform, scene: Scene, count: int, tracked: int) -> Residents:
    signed_up = [f"135{i:08d}" for i in range(tracked)]
    await asyncio.gather(*(scene.register(p, f"志愿者{i}") for i, p in enumerate(signed_up)))
    headers = [await scene.login(phone) for phone in signed_up]
    dsn = asyncpg_dsn(platform.databases["points"])
    announced = [f"134{i:08d}" for i in range(count - tracked)]
    path = await _wait_one(
        dsn,
        "SELECT community_path FROM accounts WHERE community_id = $1 "
        "AND community_path IS NOT NULL LIMIT 1",
        uuid.UUID(scene.community_id),
    )
    await announce(platform.broker.bootstrap, scene.community_id, path, announced)
    phones = signed_up + announced
    hashes = [phone_hash(SHARED_SECRETS["PHONE_HASH_KEY"], p) for p in phones]
    wallets = await wallets_of(dsn, hashes)
    ids = [wallets[h] for h in hashes]
    print(
        f"P1a {count} residents: {tracked} registered and signed in through the gateway "
        f"(tracked), {len(announced)} announced to points by ResidentRegistered events"
    )
    return Residents(phones, ids, dict(zip(ids[:tracked], headers, strict=True)))


async def announce(bootstrap: str, community: str, path: str, phones: list[str]) -> None:
    producer = make_producer(bootstrap)
    await producer.start()
    try:
        sends = []
        for n, phone in enumerate(phones):
            digest = phone_hash(SHARED_SECRETS["PHONE_HASH_KEY"], phone)
            data = ResidentRegistered(
                resident_id=str(uuid.uuid4()),
                community_id=community,
                community_path=path,
                name=f"居民{n}",
                phone_hash=digest,
                registered_at=datetime.now(UTC),
            )
            event = new_event(data, source="/services/identity", subject=digest)
            sends.append(await producer.send(data.topic, serialize(event), key=digest.encode()))
        await asyncio.gather(*sends)
    finally:
        await producer.stop()


async def _wait_one(dsn: str, sql: str, *args: Any, timeout: float = 60) -> Any:
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        while (value := await conn.fetchval(sql, *args)) is None:
            require(time.monotonic() < deadline, f"nothing for {sql!r} in {timeout:g} s")
            await asyncio.sleep(0.2)
        return value
    finally:
        await conn.close()


async def wallets_of(dsn: str, hashes: list[str], timeout: float = 120) -> dict[str, uuid.UUID]:
    """phone hash → resident id, once points has opened every wallet."""
    sql = "SELECT phone_hash, resident_id FROM accounts WHERE phone_hash = ANY($1::text[])"
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.monotonic() + timeout
        while len(rows := await conn.fetch(sql, hashes)) < len(hashes):
            require(time.monotonic() < deadline, f"{len(rows)} of {len(hashes)} wallets opened")
            await asyncio.sleep(0.5)
        return {r["phone_hash"]: r["resident_id"] for r in rows}
    finally:
        await conn.close()


async def generate(
    gateway: str, spec: dict[str, Any], rate: int, seconds: float, lag: Lag
) -> tuple[Any, int, float]:
    """The generator's figures, and the lag and when (Unix time) it was read: as soon as the
    generator says its last push is answered."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bench.push_load", "--gateway", gateway),
        *("--rate", str(rate), "--seconds", str(seconds)),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=2**26,  # the figures' line lists every accepted push
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(spec).encode())
    await proc.stdin.drain()
    proc.stdin.close()
    said = await proc.stdout.readline()
    at_end, read_at = await lag.now(), time.time()
    out = await proc.stdout.read()
    require(await proc.wait() == 0 and said == b"offered\n", "the push generator failed")
    return json.loads(out.decode().strip().splitlines()[-1]), at_end, read_at


def spread(values: list[float]) -> str:
    ordered = sorted(v * 1000 for v in values)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    return f"p50 {statistics.median(ordered):6.0f} ms  p99 {p99:6.0f} ms  max {ordered[-1]:6.0f} ms"


@dataclass
class Watch:
    """What every run of P1a reads from: polls started once, before the first run."""

    commits: Commits
    sample: ApiSample
    lag: Lag


async def offered_run(
    gateway: str, spec: dict[str, Any], watch: Watch, tracked: int, rate: int, seconds: float
) -> None:
    stop = asyncio.Event()
    peaks: list[int] = []
    before = (watch.commits.polls, watch.commits.rows, watch.sample.reads)
    watch.commits.widest = 0.0
    sampling = asyncio.create_task(watch.lag.sample(stop, peaks))
    load, at_end, read_at = await generate(gateway, spec, rate, seconds, watch.lag)
    stop.set()
    await sampling
    acked = {event: at for event, _, at in load["acked"]}
    last = max(acked.values(), default=time.time())
    zero = await watch.lag.drained(DRAIN_TIMEOUT)
    if zero is None:
        raise SystemExit(f"benchmark incomplete: lag not back to 0 in {DRAIN_TIMEOUT:g} s")
    require(bool(acked), f"no push accepted at {rate}/s: {load['statuses']}")
    # The lag is 0 only once every award's transaction has committed: the poll has them soon.
    committed = await watch.commits.until(set(acked), timeout=30)
    seen = watch.commits.seen
    require(committed, f"the poll saw {len(acked.keys() & seen.keys())} of {len(acked)} awards")
    sampled = {event for event, phone, _ in load["acked"] if phone < tracked}
    await watch.sample.settle()
    shown = watch.sample.shown
    require(sampled <= shown.keys(), f"{len(sampled & shown.keys())} of {len(sampled)} listed")
    others = {k: v for k, v in load["statuses"].items() if k != "202"} or "none"
    head = f"P1a offered {rate:5d}/s"
    print(
        f"{head} for {seconds:g} s: sent {load['offered']} at {load['sent_rate']:.1f}/s (late "
        f"p50 {load['late_p50_ms']:.1f} ms, p99 {load['late_p99_ms']:.1f} ms, max "
        f"{load['late_max_ms']:.0f} ms); {load['accepted']} 202s at {load['accepted_rate']:.1f}/s"
        f"; other answers {others}; push round trip p50 {load['round_trip_p50_ms']:.0f} ms "
        f"p99 {load['round_trip_p99_ms']:.0f} ms"
    )
    print(
        f"{head}: 202→committed, all {len(acked)} awards (points DB polled at commits):    "
        + spread([seen[e] - acked[e] for e in acked])
    )
    print(
        f"{head}: tracked sample of {len(sampled)} awards, 202→committed:   "
        + spread([seen[e] - acked[e] for e in sampled])
    )
    print(
        f"{head}: the same sample, 202→listed by GET /api/points/accounts/me/postings: "
        + spread([shown[e] - acked[e] for e in sampled])
    )
    print(
        f"{head}: points group lag on {ActivityCompleted.topic}: peak {max(peaks, default=0)} "
        f"(read each second during the run), {at_end} at {read_at - last:.2f} s after the last "
        f"202, back to 0 at {zero - last:.2f} s after the last 202"
    )
    polls, rows, reads = (
        now - then
        for now, then in zip(
            (watch.commits.polls, watch.commits.rows, watch.sample.reads), before, strict=True
        )
    )
    print(
        f"{head}: the watch's own load: {polls} polls of the points DB read {rows} rows "
        f"(widest span {watch.commits.widest:.1f} s), {reads} API reads"
    )


async def p1a(
    platform: Platform, scene: Scene, rates: list[int], seconds: float, count: int, tracked: int
) -> None:
    """Every offered rate in turn on one platform; each run drains before the next starts."""
    people = await residents(platform, scene, count, tracked)
    spec = {
        "partner_id": scene.partner_id,
        "secret": scene.secret,
        "community_id": scene.community_id,
        "phones": people.phones,
    }
    sample = ApiSample(scene.gw, people.tokens)
    dsn = asyncpg_dsn(platform.databases["points"])
    watch = Watch(
        Commits(dsn, people.ids, sample.committed), sample, Lag(platform.broker.bootstrap)
    )
    await watch.lag.start()
    stop = asyncio.Event()
    watch.commits.start(stop)
    try:
        for rate in rates:
            await offered_run(platform.gateway, spec, watch, tracked, rate, seconds)
    finally:
        stop.set()
        if watch.commits.task is not None:
            await watch.commits.task
        await watch.lag.stop()


async def main(rates: list[int], seconds: float, count: int, tracked: int) -> None:
    with tempfile.TemporaryDirectory() as work:
        platform = await start_platform(Path(work), overrides=UNTHROTTLED)
        try:
            async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
                await p1a(platform, await prepare(gw), rates, seconds, count, tracked)
        finally:
            await platform.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="200,500,1000", help="pushes per second offered")
    parser.add_argument("--seconds", type=float, default=20, help="per offered rate")
    parser.add_argument("--residents", type=int, default=500)
    parser.add_argument("--tracked", type=int, default=16, help="of them, read through the API")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    asyncio.run(main(rates, args.seconds, args.residents, args.tracked))
