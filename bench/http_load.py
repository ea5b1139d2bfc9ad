"""A small HTTP load generator, run as its own process: prints one JSON line of figures.

python -m bench.http_load URL --header "Authorization: Bearer ..." --seconds 10 --concurrency 32
Bounded in time and aimed at 127.0.0.1 only. Only 200 answers count as served: a 429 or a 5xx
is cheap to produce and would flatter whoever sends it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections import Counter
from urllib.parse import urlparse

import httpx


async def worker(
    client: httpx.AsyncClient, url: str, until: float, served: list[float], statuses: Counter[int]
) -> None:
    while time.perf_counter() < until:
        started = time.perf_counter()
        answer = await client.get(url)
        statuses[answer.status_code] += 1
        if answer.status_code == 200:
            served.append(time.perf_counter() - started)


async def main(url: str, headers: dict[str, str], seconds: float, concurrency: int) -> None:
    if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit("load is only ever sent to 127.0.0.1")
    served: list[float] = []
    statuses: Counter[int] = Counter()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=10) as client:
        await client.get(url)  # warm the connection and any caches
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(
            *(worker(client, url, until, served, statuses) for _ in range(concurrency))
        )
        elapsed = time.perf_counter() - started
    served.sort()
    figures = {
        "requests": sum(statuses.values()),
        "served": len(served),
        "elapsed": elapsed,
        "rps": len(served) / elapsed,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "p50_ms": statistics.median(served) * 1000 if served else None,
        "p99_ms": served[max(0, int(len(served) * 0.99) - 1)] * 1000 if served else None,
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    pairs = dict(h.split(": ", 1) for h in args.header)
    asyncio.run(main(args.url, pairs, args.seconds, args.concurrency))
