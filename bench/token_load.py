"""A lean HTTP/1.1 load generator, run as its own process: one keep-alive connection per
token, each its own person; prints one JSON line of figures.

python -m bench.token_load URL --tokens-file tokens.txt --seconds 8

Each connection sends `GET URL` with its own `Authorization: Bearer <token>`, waits for the
whole answer and sends the next. Raw asyncio streams on uvloop, not an HTTP client library:
the generator shares two cores with what it measures, and the less it costs the more the
figures are about the platform. Only 200 answers count as served (a 429 or a 5xx is cheap to
produce and would flatter whoever sends it); every status is reported. Aimed at 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import uvloop


class Unframed(Exception):
    """An answer the generator cannot delimit (no Content-Length): it refuses to guess."""


async def answer(reader: asyncio.StreamReader) -> int:
    """Read one whole answer; its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise Unframed(lines[0].decode("latin-1"))
    await reader.readexactly(length)
    return status


async def connection(
    host: str, port: int, request: bytes, until: float, served: list[float], statuses: Counter[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(request)  # one warm-up answer, not counted: caches, pools, first import
        await answer(reader)
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            status = await answer(reader)
            statuses[status] += 1
            if status == 200:
                served.append(time.perf_counter() - started)
    finally:
        writer.close()


async def main(url: str, tokens: list[str], seconds: float) -> None:
    parts = urlparse(url)
    if parts.hostname not in ("127.0.0.1", "localhost") or parts.port is None:
        raise SystemExit("load is only ever sent to 127.0.0.1:<port>")
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    requests = [
        (
            f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: application/json\r\n"
            f"Authorization: Bearer {token}\r\n\r\n"
        ).encode("latin-1")
        for token in tokens
    ]
    served: list[float] = []
    statuses: Counter[int] = Counter()
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(
        *(connection(parts.hostname, parts.port, r, until, served, statuses) for r in requests)
    )
    elapsed = time.perf_counter() - started
    figures = {
        "connections": len(requests),
        "served": len(served),
        "elapsed": elapsed,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "latencies": sorted(served),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--tokens-file", type=Path, required=True, help="one token a line")
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    tokens = args.tokens_file.read_text().split()
    uvloop.run(main(args.url, tokens, args.seconds))
