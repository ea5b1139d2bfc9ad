"""Benchmark: a `require_ack` notice fanned out to a community of 20,000 residents (time of the
one INSERT ... SELECT, with a tenth of them subscribed to WeChat pushes); and 1,000 SSE clients
on one notices process (uvicorn in a child process): its memory before and after they connect,
and the time for one broadcast message to reach all of them.

Prints figures; never passes or fails. Needs DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS
(`make bench` starts the test stack for it):

    python -m bench.inbox_live --residents 20000 --clients 1000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
from fastapi import FastAPI

from bench.kit_throughput import require
from contracts.notices import NoticePublished
from kit.db import unit_of_work
from kit.deps import install_auth
from kit.events import ParsedEvent, new_event
from kit.jwks import TokenVerifier
from services.notices.app import create_app
from services.notices.config import Settings
from services.notices.inbox import handlers
from tests.integration.support import scratch_database

SEED = """
INSERT INTO residents (id, community_id, community_path, name, verified)
SELECT gen_random_uuid(), $1, $2, '居民' || n, true FROM generate_series(1, $3) AS n
"""
SUBSCRIBE = """
INSERT INTO inbox_wechat_subscriptions (id, resident_id, template_id, topic, openid)
SELECT gen_random_uuid(), id, 'tpl', 'notices', 'o-' || id FROM residents
WHERE community_path = $1 LIMIT $2
"""


class BenchTokens:
    """The bench's stand-in for identity's JWKS check: the token is the resident id."""

    async def verify(self, token: str) -> dict[str, Any]:
        return {"sub": token, "verified": True}


def bench_app() -> FastAPI:
    """The notices app as `uvicorn --factory` runs it in the child process."""
    app = create_app(Settings(consumer_enabled=False, log_level="WARNING"))
    install_auth(app, cast(TokenVerifier, BenchTokens()))
    return app


def notice(path: str) -> ParsedEvent[NoticePublished]:
    data = NoticePublished(
        notice_id=str(uuid.uuid4()),
        unit_id=path.rsplit("/", 1)[-1],
        unit_path=path,
        category="finance",
        title="2026年第三季度村级财务收支公开",
        require_ack=True,
        published_at=datetime.now(UTC),
    )
    return ParsedEvent(envelope=new_event(data, source="/bench", subject=data.notice_id), data=data)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def fan_out(factory: Any, dsn: str, residents: int) -> str:
    community = uuid.uuid4()
    path = f"/{uuid.uuid4()}/{uuid.uuid4()}/{community}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(SEED, community, path, residents)
        await conn.execute(SUBSCRIBE, path, residents // 10)
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    started = time.perf_counter()
    async with unit_of_work(factory) as session:
        await handlers.on_notice_published(session, notice(path))
        await session.commit()
    seconds = time.perf_counter() - started
    conn = await asyncpg.connect(dsn)
    try:
        made = await conn.fetchval("SELECT count(*) FROM inbox_messages")
        queued = await conn.fetchval("SELECT count(*) FROM inbox_push_queue")
        # The push job of no process drains it here: leave WeChat out of the figures.
        await conn.execute("DELETE FROM inbox_push_queue")
    finally:
        await conn.close()
    require(made == residents, f"{made} messages for {residents} residents")
    print(f"fan-out: {residents} residents -> {made} messages, {queued} push jobs queued")
    print(f"fan-out: {seconds * 1000:.0f} ms ({residents / seconds:,.0f} messages/s)")
    return path


async def read_stream(
    client: httpx.AsyncClient, resident: str, ready: asyncio.Event, arrived: dict[str, float]
) -> None:
    headers = {"Authorization": f"Bearer {resident}", "Accept": "text/event-stream"}
    async with client.stream("GET", "/api/inbox/stream", headers=headers) as answer:
        async for line in answer.aiter_lines():
            if line.startswith(":"):
                ready.set()
            elif line.startswith("data:"):
                arrived[resident] = time.perf_counter()
                return


async def clients_reached(url: str, dsn: str, factory: Any, pid: int, count: int) -> None:
    path = f"/{uuid.uuid4()}/{uuid.uuid4()}/{uuid.uuid4()}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(SEED, uuid.UUID(path.rsplit("/", 1)[-1]), path, count)
        ids = [
            str(r[0])
            for r in await conn.fetch("SELECT id FROM residents WHERE community_path = $1", path)
        ]
    finally:
        await conn.close()
    idle = rss_mib(pid)
    limits = httpx.Limits(max_connections=count + 10, max_keepalive_connections=count + 10)
    timeout = httpx.Timeout(30, read=None)
    arrived: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) as client:
        readies = [asyncio.Event() for _ in ids]
        tasks = [
            asyncio.create_task(read_stream(client, rid, ready, arrived))
            for rid, ready in zip(ids, readies, strict=True)
        ]
        connecting = time.perf_counter()
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=120)
        connected = time.perf_counter() - connecting
        await asyncio.sleep(1)
        busy = rss_mib(pid)
        started = time.perf_counter()
        async with unit_of_work(factory) as session:
            await handlers.on_notice_published(session, notice(path))
            await session.commit()
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=120)
    require(len(arrived) == count, f"{len(arrived)} of {count} clients got the message")
    lags = sorted((t - started) * 1000 for t in arrived.values())
    print(f"sse: {count} clients connected in {connected:.1f} s")
    print(
        f"sse: process RSS {idle:.0f} MiB idle, {busy:.0f} MiB with {count} streams "
        f"({(busy - idle) * 1024 / count:.0f} KiB per stream)"
    )
    print(
        f"sse: broadcast reached all in {lags[-1]:.0f} ms "
        f"(p50 {statistics.median(lags):.0f} ms, p99 {lags[int(len(lags) * 0.99) - 1]:.0f} ms)"
    )


async def main(residents: int, clients: int) -> None:
    async with scratch_database("notices") as db:
        await fan_out(db.factory, db.dsn, residents)
        port = free_port()
        env = {**os.environ, "DATABASE_URL": db.url, "CONSUMER_ENABLED": "false"}
        argv = [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.inbox_live:bench_app",
            "--factory",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--timeout-graceful-shutdown",
            "2",
        ]
        child = await asyncio.create_subprocess_exec(*argv, env=env)
        url = f"http://127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient(base_url=url) as probe:
                for _ in range(100):
                    with contextlib.suppress(httpx.HTTPError):
                        if (await probe.get("/healthz")).status_code == 200:
                            break
                    await asyncio.sleep(0.2)
            await clients_reached(url, db.dsn, db.factory, child.pid, clients)
        finally:
            child.terminate()
            await child.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=1_000)
    args = parser.parse_args()
    asyncio.run(main(args.residents, args.clients))
