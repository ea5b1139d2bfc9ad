"""A small HTTP load generator, run as its own process: prints one JSON line of figures.

python -m bench.http_load URL --header "Authorization: Bearer ..." --seconds 10 --concurrency 32
Bounded in time and aimed at 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from urllib.parse import urlparse

import httpx


async def worker(
    client: httpx.AsyncClient, url: str, until: float, out: list[float], errors: list[int]
) -> None:
    while time.perf_counter() < until:
        started = time.perf_counter()
        answer = await client.get(url)
        out.append(time.perf_counter() - started)
        if answer.status_code != 200:
            errors.append(answer.status_code)


async def main(url: str, headers: dict[str, str], seconds: float, concurrency: int) -> None:
    if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("load is only ever sent to 127.0.0.1")
    latencies: list[float] = []
    errors: list[int] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=10) as client:
        await client.get(url)  # warm the connection and any caches
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(
            *(worker(client, url, until, latencies, errors) for _ in range(concurrency))
        )
        elapsed = time.perf_counter() - started
    latencies.sort()
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "rps": len(latencies) / elapsed,
                "errors": len(errors),
                "p50_ms": statistics.median(latencies) * 1000,
                "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            }
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    pairs = dict(h.split(": ", 1) for h in args.header)
    asyncio.run(main(args.url, pairs, args.seconds, args.concurrency))
