"""What the gateway costs (issue 17): the same authenticated GET /api/points/accounts/me
through the gateway and straight to points, 32 connections each holding its own resident's
token, the two sides interleaved (A, B, A, B, ...) from a load generator running as its own
process (bench.token_load).

Only 200s count as served. The per-person limit is make up's (600/minute) unless
--person-limit says otherwise, and the output says which: at 600/minute, 32 people may send
320 requests/s in any minute through the gateway; the interleaving halves the gateway's share
of each minute, so up to about 640/s per gateway round stays under it. Every non-200 answer is
reported. Beside the rates it prints the CPU the gateway and points processes used per served
request in each side's rounds (from /proc), the figure a busy shared machine disturbs least.
Figures are refused when more than 1% of a side's answers were not 200, or a round
served nothing.

    python -m bench.gateway_speed --residents 32 --seconds 8 --rounds 4

Before the counted rounds, each side gets one warm-up round (--warmup seconds, 3 by default)
that is printed and not counted, so neither side pays for the platform's first requests.

Needs DATABASE_URL (`make bench` provides it).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.common import load_process, require
from tests.e2e.platform import Platform, start_platform
from tests.e2e.scene import Scene, fresh_phone, prepare

PATH = "/api/points/accounts/me"
MAKE_UP_PERSON_LIMIT = "600/minute"  # gateway Settings.rate_limit_person, as `make up` runs it
MAX_REFUSED_SHARE = 0.01


@dataclass
class Side:
    """One side's figures summed over its rounds."""

    name: str
    url: str
    served: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    others: int = 0  # answers that were not 200
    cpu: dict[str, float] = field(default_factory=dict)  # process → CPU seconds in its rounds

    @property
    def rate(self) -> float:
        return self.served / self.elapsed


def cpu_seconds(pid: int) -> float:
    """User plus system CPU a process has used (Linux /proc): what the machine's other load
    changes least, so the per-request figures stay comparable on a shared machine."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentiles(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return statistics.median(ordered) * 1000, ordered[max(0, round(len(ordered) * 0.99) - 1)] * 1000


async def tokens_of(scene: Scene, platform: Platform, count: int) -> list[str]:
    """`count` residents of the scene's community, each signed in, each with a wallet."""
    phones = [fresh_phone() for _ in range(count)]
    for n, phone in enumerate(phones):
        await scene.register(phone, f"居民{n}")
    tokens = [(await scene.login(p))["Authorization"].removeprefix("Bearer ") for p in phones]
    # Wallets are opened from identity's event: wait until points knows every resident.
    async with httpx.AsyncClient(base_url=platform.url("points"), timeout=10) as points:
        deadline = time.monotonic() + 60
        for token in tokens:
            while (
                await points.get(PATH, headers={"Authorization": f"Bearer {token}"})
            ).status_code != 200:
                require(time.monotonic() < deadline, "a resident's wallet never opened")
                await asyncio.sleep(0.2)
    return tokens


async def load(url: str, tokens_file: Path, seconds: float) -> dict[str, Any]:
    return await load_process(
        "bench.token_load", url, "--tokens-file", str(tokens_file), "--seconds", str(seconds)
    )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


async def warm_up(sides: list[Side], tokens_file: Path, seconds: float) -> None:
    """A round per side that is not counted: the platform's first requests (points' pool
    filling, the gateway's connections to it, caches) would otherwise fall on whichever side
    runs first."""
    for side in sides:
        r = await load(side.url, tokens_file, seconds)
        print(f"warm-up {side.name:<7} {r['served'] / r['elapsed']:7.1f} served/s (not counted)")


async def measure(
    sides: list[Side], pids: dict[str, int], tokens_file: Path, seconds: float, rounds: int
) -> None:
    for n in range(rounds):
        for side in sides:
            before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            r = await load(side.url, tokens_file, seconds)
            for name, pid in pids.items():
                side.cpu[name] = side.cpu.get(name, 0.0) + cpu_seconds(pid) - before[name]
            require(r["served"] > 0, f"round {n + 1} {side.name} served nothing")
            others = sum(v for k, v in r["statuses"].items() if k != "200")
            side.served += r["served"]
            side.elapsed += r["elapsed"]
            side.latencies += r["latencies"]
            side.others += others
            p50, p99 = percentiles(r["latencies"])
            print(
                f"round {n + 1} {side.name:<7} {r['served'] / r['elapsed']:7.1f} served/s"
                f"  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  statuses {r['statuses']}"
                f"  load average {load_average()}",
                flush=True,
            )


def summary(gateway: Side, direct: Side) -> None:
    for side in (gateway, direct):
        answered = side.served + side.others
        require(
            side.others <= MAX_REFUSED_SHARE * answered,
            f"{side.others} of {answered} answers {side.name} were not 200",
        )
    g50, g99 = percentiles(gateway.latencies)
    d50, d99 = percentiles(direct.latencies)
    print(
        f"gateway {gateway.rate:7.1f} served/s  p50 {g50:6.1f} ms  p99 {g99:6.1f} ms"
        f"  ({gateway.others} answers not 200, not counted)"
    )
    print(
        f"direct  {direct.rate:7.1f} served/s  p50 {d50:6.1f} ms  p99 {d99:6.1f} ms"
        f"  ({direct.others} answers not 200, not counted)"
    )
    print(f"ratio gateway/direct {gateway.rate / direct.rate:.3f}")
    for side in (gateway, direct):
        per_request = ", ".join(
            f"{name} {seconds / side.served * 1000:.2f} ms" for name, seconds in side.cpu.items()
        )
        print(f"CPU per served request, {side.name} rounds: {per_request}")
    print(f"added by the gateway: p50 {g50 - d50:+.1f} ms, p99 {g99 - d99:+.1f} ms")
    print(f"load average after: {load_average()}")


async def main(args: argparse.Namespace) -> None:
    limit = args.person_limit
    overrides = {"RATE_LIMIT_PERSON": limit}
    with tempfile.TemporaryDirectory() as work:
        platform = await start_platform(Path(work), overrides=overrides)
        try:
            async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as gw:
                tokens = await tokens_of(await prepare(gw), platform, args.residents)
            tokens_file = Path(work) / "tokens.txt"
            tokens_file.write_text("\n".join(tokens))
            stated = "as make up" if limit == MAKE_UP_PERSON_LIMIT else "raised for this run"
            pids = {name: platform.children[name].pid for name in ("gateway", "points")}
            print(
                f"GET {PATH}: {args.residents} connections, each its own resident's token; "
                f"{args.rounds} rounds of {args.seconds:g} s per side, interleaved; per-person "
                f"limit {limit} ({stated}); pids {pids}; load average before {load_average()}",
                flush=True,
            )
            gateway = Side("gateway", f"{platform.gateway}{PATH}")
            direct = Side("direct", f"{platform.url('points')}{PATH}")
            if args.warmup > 0:
                await warm_up([gateway, direct], tokens_file, args.warmup)
            await measure([gateway, direct], pids, tokens_file, args.seconds, args.rounds)
            summary(gateway, direct)
        finally:
            await platform.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=32, help="connections, one per person")
    parser.add_argument("--seconds", type=float, default=8, help="per side and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--person-limit", default=MAKE_UP_PERSON_LIMIT)
    parser.add_argument("--warmup", type=float, default=3, help="seconds per side, not counted")
    asyncio.run(main(parser.parse_args()))
