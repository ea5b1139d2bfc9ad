"""The outbox relay: publishes committed outbox rows to Kafka in commit order, then marks them.

One replica at a time publishes (a PostgreSQL session advisory lock elects it), so one
aggregate's events leave in the order they were written even when a service runs several
replicas; the others wait and take over when the leader's connection drops. Rows are marked
sent only after the broker acknowledged them, so a crash in between re-sends (consumers
de-duplicate) and never loses.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

from kit import metrics, tracing
from kit.events import CONTENT_TYPE
from kit.kafka import make_producer
from kit.outbox import NOTIFY_CHANNEL

log = logging.getLogger("kit.relay")

LOCK_SQL = "SELECT pg_try_advisory_lock(hashtext('kit.outbox.relay'))"
FETCH_SQL = """
    SELECT id, topic, aggregateid, payload::text AS payload, created_at
    FROM outbox WHERE sent_at IS NULL ORDER BY seq LIMIT $1
"""
MARK_SENT_SQL = "UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY($1)"
MARK_FAILED_SQL = "UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1)"
BACKLOG_SQL = "SELECT count(*), min(created_at) FROM outbox WHERE sent_at IS NULL"
CLEANUP_SQL = """
    DELETE FROM outbox WHERE id IN (
      SELECT id FROM outbox WHERE sent_at < now() - make_interval(hours => $1) LIMIT 5000)
"""


class OutboxRelay:
    def __init__(
        self,
        *,
        dsn: str,
        bootstrap_servers: str,
        service: str,
        batch_size: int = 500,
        poll_seconds: float = 5.0,
        retention_hours: int = 72,
        producer_factory: Callable[[], AIOKafkaProducer] | None = None,
    ) -> None:
        self.dsn = dsn
        self.service = service
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.retention_hours = retention_hours
        self._producer_factory = producer_factory or (lambda: make_producer(bootstrap_servers))
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._last_gauges = 0.0
        self._last_cleanup = 0.0

    async def run(self) -> None:
        """Publish until stopped; any failure (database or broker) restarts with backoff."""
        backoff = 0.2
        while not self._stopping.is_set():
            try:
                await self._run_connected()
                backoff = 0.2
            except Exception as exc:
                if self._stopping.is_set():
                    break
                log.warning("relay interrupted, retrying", extra={"error": repr(exc)})
                metrics.OUTBOX_LEADER.labels(self.service).set(0)
                await self._sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def _run_connected(self) -> None:
        conn: asyncpg.Connection = await asyncpg.connect(self.dsn)
        try:
            await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
            if not await self._become_leader(conn):
                return
            producer = self._producer_factory()
            try:
                await producer.start()  # a broker that is away fails it: closed all the same
                await self._publish_loop(conn, producer)
            finally:
                await producer.stop()
        finally:
            metrics.OUTBOX_LEADER.labels(self.service).set(0)
            await conn.close(timeout=2)

    async def _become_leader(self, conn: asyncpg.Connection) -> bool:
        while not self._stopping.is_set():
            if await conn.fetchval(LOCK_SQL):
                metrics.OUTBOX_LEADER.labels(self.service).set(1)
                log.info("relay is the publishing replica")
                # Before the producer starts: a broker that is away fails that start.
                await self._refresh_gauges(conn)
                return True
            await self._refresh_gauges(conn)
            await self._sleep(self.poll_seconds)
        return False

    async def _publish_loop(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            published = await self.publish_batch(conn, producer)
            await self._housekeeping(conn)
            if published < self.batch_size:
                await self._sleep(self.poll_seconds)

    async def publish_batch(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        """Send one batch in sequence order and mark what the broker acknowledged."""
        rows = await conn.fetch(FETCH_SQL, self.batch_size)
        if not rows:
            return 0
        pending = []
        for r in rows:
            with tracing.publishing(r["payload"]):  # tracing off: nothing done
                pending.append(await producer.send(r["topic"], **_message(r)))
        results = await asyncio.gather(*pending, return_exceptions=True)
        acked = [
            r for r, res in zip(rows, results, strict=True) if not isinstance(res, BaseException)
        ]
        failed = [r for r, res in zip(rows, results, strict=True) if isinstance(res, BaseException)]
        await self._mark_sent(conn, acked)
        if failed:
            error = next(res for res in results if isinstance(res, BaseException))
            await conn.execute(MARK_FAILED_SQL, [r["id"] for r in failed], repr(error)[:500])
            metrics.OUTBOX_FAILURES.labels(self.service).inc(len(failed))
            raise error
        return len(acked)

    async def _mark_sent(self, conn: asyncpg.Connection, acked: list[asyncpg.Record]) -> None:
        await conn.execute(MARK_SENT_SQL, [r["id"] for r in acked])
        self._observe(acked)

    def _observe(self, acked: list[asyncpg.Record]) -> None:
        now = datetime.now(UTC)
        metrics.OUTBOX_PUBLISHED.labels(self.service).inc(len(acked))
        hist = metrics.OUTBOX_LATENCY.labels(self.service)
        for r in acked:
            hist.observe((now - r["created_at"]).total_seconds())

    async def _housekeeping(self, conn: asyncpg.Connection) -> None:
        """Refresh backlog gauges each second; delete sent rows past retention each minute."""
        await self._refresh_gauges(conn)
        now = time.monotonic()
        if now - self._last_cleanup >= 60.0:
            self._last_cleanup = now
            await conn.execute(CLEANUP_SQL, self.retention_hours)

    async def _refresh_gauges(self, conn: asyncpg.Connection) -> None:
        """Backlog and oldest age, at most once a second. Also run by replicas that wait for
        the lock and by a leader whose broker is away, so the age keeps growing on /metrics
        exactly when nothing is published (what OutboxBacklogOld alerts on)."""
        now = time.monotonic()
        if now - self._last_gauges < 1.0:
            return
        self._last_gauges = now
        count, oldest = await conn.fetchrow(BACKLOG_SQL)
        metrics.OUTBOX_BACKLOG.labels(self.service).set(count)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        metrics.OUTBOX_OLDEST_AGE.labels(self.service).set(age)

    def _on_notify(self, *_: Any) -> None:
        self._wake.set()

    async def _sleep(self, seconds: float) -> None:
        """Wait for a NOTIFY, a stop request, or the polling fallback, whichever comes first."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=seconds)


def _message(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "value": row["payload"].encode(),
        "key": row["aggregateid"].encode(),
        "headers": [("content-type", CONTENT_TYPE.encode())],
    }
