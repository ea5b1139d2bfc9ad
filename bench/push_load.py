"""An open-loop load generator of signed partner pushes, run as its own process.

    python -m bench.push_load --gateway http://127.0.0.1:PORT --rate 500 --seconds 20 < spec.json

The spec (JSON on stdin): partner_id, secret, community_id, phones. Every push is built and
signed before the clock starts, one single-event push per resident in turn. Push n is due at
start + n / rate whatever the answers before it did (open loop): it waits only when all of
the pool's keep-alive connections (--connections, 1,024) have a push in flight, which only a
gateway far behind causes, and how late each push left is reported. HTTP/1.1 is spoken by
hand over asyncio streams on uvloop, so the generator costs little of a machine it shares
with what it measures.

Prints "offered" once the last answer is in, then one JSON line: the figures and, for every
202, [event id, phone index, when the 202 arrived (Unix time)]. Only ever aimed at 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import uvloop

from tests.e2e.scene import activity


@dataclass(frozen=True)
class Push:
    event_id: str
    phone: int  # index into the spec's phones
    request: bytes  # the whole HTTP request, headers and body


def build(spec: dict[str, Any], host: str, count: int) -> list[Push]:
    """`count` signed single-event pushes, over the phones in turn (times built from now)."""
    phones, secret = spec["phones"], spec["secret"].encode()
    pushes = []
    for n in range(count):
        event = activity(phones[n % len(phones)], community_id=spec["community_id"])
        body = json.dumps(event, ensure_ascii=False).encode()
        t = str(int(time.time()))
        mac = hmac.new(secret, f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        head = (
            f"POST /webhooks/volunteer HTTP/1.1\r\nHost: {host}\r\n"
            f"X-Partner-Id: {spec['partner_id']}\r\nX-Signature: t={t},v1={mac}\r\n"
            "Content-Type: application/cloudevents+json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        pushes.append(Push(event["id"], n % len(phones), head.encode() + body))
    return pushes


class Connection:
    """One keep-alive HTTP/1.1 connection; reopened when the server has closed it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def exchange(self, request: bytes) -> int:
        """Send one request, read its whole answer; returns the status."""
        if self.streams is None or self.streams[0].at_eof():
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines)}
        if "chunked" in headers.get("transfer-encoding", ""):
            raise ValueError("chunked answers are not read here")
        await reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.drop()
        return int(lines[0].split(" ", 2)[1])

    def drop(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
        self.streams = None


@dataclass
class Tally:
    late: list[float] = field(default_factory=list)  # seconds after its due time each push left
    round_trips: list[float] = field(default_factory=list)  # of 202s
    statuses: Counter[int] = field(default_factory=Counter)  # 0: no answer (connection failed)
    acked: list[tuple[str, int, float]] = field(default_factory=list)
    last_sent: float = 0.0
    last_acked: float = 0.0


async def send(push: Push, due: float, pool: asyncio.LifoQueue[Connection], tally: Tally) -> None:
    connection = await pool.get()  # LIFO: the warm connections are reused first
    sent = time.perf_counter()
    tally.late.append(sent - due)
    tally.last_sent = max(tally.last_sent, sent)
    try:
        status = await connection.exchange(push.request)
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
        connection.drop()
        status = 0
    finally:
        pool.put_nowait(connection)
    answered = time.perf_counter()
    tally.statuses[status] += 1
    if status == 202:
        tally.acked.append((push.event_id, push.phone, time.time()))
        tally.round_trips.append(answered - sent)
        tally.last_acked = max(tally.last_acked, answered)


async def offer(pushes: list[Push], rate: float, pool: asyncio.LifoQueue[Connection]) -> Tally:
    """Each push sent at its own due time from the start, not after the one before it."""
    tally = Tally()
    tasks = []
    start = time.perf_counter() + 0.1
    for n, push in enumerate(pushes):
        due = start + n / rate
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(push, due, pool, tally)))
    await asyncio.gather(*tasks)
    tally.last_sent -= start
    tally.last_acked -= start
    return tally


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)] if ordered else float("nan")


def figures(tally: Tally, rate: float, count: int) -> dict[str, Any]:
    ms = 1000
    return {
        "offered": count,
        "offered_rate": rate,
        "sent_rate": count / tally.last_sent if tally.last_sent > 0 else None,
        "accepted": len(tally.acked),
        "accepted_rate": len(tally.acked) / tally.last_acked if tally.acked else 0.0,
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "late_p50_ms": statistics.median(tally.late) * ms,
        "late_p99_ms": percentile(tally.late, 0.99) * ms,
        "late_max_ms": max(tally.late) * ms,
        "round_trip_p50_ms": statistics.median(tally.round_trips) * ms if tally.acked else None,
        "round_trip_p99_ms": percentile(tally.round_trips, 0.99) * ms,
        "acked": tally.acked,
    }


async def main(gateway: str, rate: float, seconds: float, connections: int) -> None:
    url = urlparse(gateway)
    if url.hostname not in ("127.0.0.1", "localhost") or url.port is None:
        raise SystemExit("pushes are only ever sent to 127.0.0.1:<port>")
    spec = json.loads(sys.stdin.read())
    count = int(rate * seconds)
    pushes = build(spec, url.netloc, count)
    pool: asyncio.LifoQueue[Connection] = asyncio.LifoQueue()
    for _ in range(connections):
        pool.put_nowait(Connection(url.hostname, url.port))
    tally = await offer(pushes, rate, pool)
    print("offered", flush=True)  # the caller reads the consumer's lag right now
    while not pool.empty():
        pool.get_nowait().drop()
    print(json.dumps(figures(tally, rate, count)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--rate", type=float, required=True, help="pushes per second offered")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--connections", type=int, default=1024)
    args = parser.parse_args()
    uvloop.run(main(args.gateway, args.rate, args.seconds, args.connections))
