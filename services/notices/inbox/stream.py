"""The live inbox: one LISTEN connection per process wakes the streams connected to it.

Writers NOTIFY `inbox` in their transaction (service.py), so every notices replica hears of a
commit, whichever replica or consumer made it. A stream never trusts the notification's
content: woken, it reads its own messages after the last seq it sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import unit_of_work
from services.notices.inbox import service
from services.notices.inbox.rules import HEARTBEAT, sse_event
from services.notices.inbox.service import BROADCAST, CHANNEL

log = logging.getLogger("notices.inbox.stream")
Wake = asyncio.Queue[None]
STREAM_BATCH = 100
POOL_SIZE = 10
# What a stream sends next: the person's messages after the last seq it sent, in order.
AFTER = """
SELECT id, seq, kind, title, body, link, created_at FROM inbox_messages
WHERE resident_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
"""


class InboxHub:
    """Connected streams by person, woken by notifications on one shared connection."""

    def __init__(self, dsn: str, *, reconnect_seconds: float = 1.0) -> None:
        self._dsn = dsn
        self._reconnect = reconnect_seconds
        self._streams: dict[uuid.UUID, set[Wake]] = {}
        self._pool: asyncpg.Pool | None = None
        self._pool_lock = asyncio.Lock()

    @contextlib.contextmanager
    def subscribe(self, resident_id: uuid.UUID) -> Iterator[Wake]:
        # Size 1: a stream that is behind needs one wake-up, not one per message.
        wake: Wake = asyncio.Queue(maxsize=1)
        self._streams.setdefault(resident_id, set()).add(wake)
        try:
            yield wake
        finally:
            streams = self._streams.get(resident_id, set())
            streams.discard(wake)
            if not streams:
                self._streams.pop(resident_id, None)

    @property
    def connected(self) -> int:
        return sum(len(s) for s in self._streams.values())

    def wake(self, payload: str) -> None:
        if payload == BROADCAST:
            targets = [w for streams in self._streams.values() for w in streams]
        else:
            try:
                targets = list(self._streams.get(uuid.UUID(payload), ()))
            except ValueError:
                return
        for wake in targets:
            with contextlib.suppress(asyncio.QueueFull):
                wake.put_nowait(None)

    async def read_after(self, resident_id: uuid.UUID, seq: int) -> list[tuple[int, str]]:
        """(seq, event text) of the person's messages after `seq`, in order.

        Plain asyncpg on a small pool of the hub's own: a notice fan-out wakes every stream at
        once, and the ORM's per-read cost is what a thousand streams would queue behind.
        """
        pool = await self._reads()
        rows = await pool.fetch(AFTER, resident_id, seq, STREAM_BATCH)
        return [(row["seq"], sse_event(row["seq"], _payload(row))) for row in rows]

    async def _reads(self) -> asyncpg.Pool:
        async with self._pool_lock:
            if self._pool is None:
                self._pool = await asyncpg.create_pool(self._dsn, min_size=1, max_size=POOL_SIZE)
            return self._pool

    async def run(self, stopping: asyncio.Event) -> None:
        """LISTEN until `stopping`; reconnects after a lost connection and wakes every stream,
        since a notification may have gone by while nobody listened."""
        try:
            while not stopping.is_set():
                try:
                    await self._listen(stopping)
                except (OSError, asyncpg.PostgresError) as exc:
                    log.warning("inbox listener lost", extra={"error": type(exc).__name__})
                self.wake(BROADCAST)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), self._reconnect)
        finally:
            if self._pool is not None:
                await self._pool.close()

    async def _listen(self, stopping: asyncio.Event) -> None:
        conn = await asyncpg.connect(self._dsn)
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        try:
            await conn.add_listener(CHANNEL, self._on_notify)
            self.wake(BROADCAST)
            waits = [asyncio.create_task(stopping.wait()), asyncio.create_task(lost.wait())]
            _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
        finally:
            if not conn.is_closed():
                await conn.close(timeout=5)

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.wake(payload)


def _payload(row: Any) -> dict[str, Any]:
    return {
        "id": str(row["id"]),
        "seq": row["seq"],
        "kind": row["kind"],
        "title": row["title"],
        "body": row["body"],
        "link": row["link"],
        "created_at": row["created_at"].isoformat(),
    }


async def events(
    *,
    hub: InboxHub,
    factory: async_sessionmaker[AsyncSession],
    resident_id: uuid.UUID,
    resume_after: int | None,
    heartbeat_seconds: float,
    lifetime_seconds: float,
) -> AsyncIterator[str]:
    """The text of one person's stream: what came after `resume_after` (only what is new
    without it), then each new message as it commits, and a comment when nothing happens.

    It ends after `lifetime_seconds`: the client reconnects (EventSource does so by itself)
    with `Last-Event-ID` and a current token, so an expired or revoked token stops streaming.
    """
    loop = asyncio.get_running_loop()
    ends = loop.time() + lifetime_seconds
    with hub.subscribe(resident_id) as wake:
        # Subscribed before reading, so a commit between the read and the wait still wakes us.
        last = resume_after
        if last is None:
            async with unit_of_work(factory) as session:
                last = await service.last_seq(session, resident_id=resident_id)
        yield f"retry: 3000\n{HEARTBEAT}"
        while True:
            batch = await hub.read_after(resident_id, last)
            for seq, text in batch:
                yield text
                last = seq
            if len(batch) == STREAM_BATCH:
                continue  # more are waiting; a wake-up is only due once caught up
            left = ends - loop.time()
            if left <= 0:
                return
            try:
                await asyncio.wait_for(wake.get(), min(heartbeat_seconds, left))
            except TimeoutError:
                yield HEARTBEAT
