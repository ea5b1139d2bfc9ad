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

The other residents are announced to points as identity announces a registration (see
bench.award_residents). The gateway's per-partner push limit (6000/minute by default) is
raised out of reach here, as the per-person ones are (a real partner at 1,000/s needs it
raised too). Refuses to print a run's figures unless every accepted push's
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.award_residents import residents
from bench.award_watch import ApiSample, Commits, Lag
from bench.kit_throughput import require
from contracts.volunteer import ActivityCompleted
from kit.db import asyncpg_dsn
from tests.e2e.platform import Platform, start_platform
from tests.e2e.scene import Scene, prepare

UNTHROTTLED = {
    "RATE_LIMIT_PERSON": "10000000/minute",
    "RATE_LIMIT_ANONYMOUS": "10000000/minute",
    "RATE_LIMIT_LOGIN": "10000000/minute",
    "WEBHOOK_RATE_LIMIT_PARTNER": "10000000/minute",
}
DRAIN_TIMEOUT = 900.0


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
        f"{head}: points group lag on {ActivityCompleted.topic} ({len(watch.lag.partitions)} "
        f"partitions): peak {max(peaks, default=0)} "
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
    sample = ApiSample(scene.gw, await people.sign_in(scene))
    dsn = asyncpg_dsn(platform.databases["points"])
    watch = Watch(
        Commits(dsn, people.ids, sample.committed), sample, Lag(platform.broker.bootstrap)
    )
    await watch.lag.start()
    stop = asyncio.Event()
    watch.commits.start(stop)
    try:
        for n, rate in enumerate(rates):
            if n:  # fresh tokens before the clock starts: a run and its drain can take minutes
                sample.tokens = await people.sign_in(scene)
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
