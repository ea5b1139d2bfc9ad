"""What P1a watches while pushes arrive: awards committed in the points database, the tracked
residents' awards as their own API shows them, and the points consumer group's lag."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from datetime import datetime

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from bench.kit_throughput import require
from contracts.volunteer import ActivityCompleted
from kit.outbox import NOTIFY_CHANNEL

GROUP = "points"  # the kit's runner joins the group named after its service
TOPIC = ActivityCompleted.topic
POLL_SECONDS = 0.02  # at most this often
FALLBACK_SECONDS = 0.5  # at least this often, a NOTIFY or not
# Only rows created since the oldest transaction open at the previous poll can have committed
# since then, as long as created_at is its transaction's start (now(), the column's default)
# or a time read within it; less 0.2 s to spare. One poll reads a fraction of a second of
# awards however many the run has made; an award it missed would show as committed-not-seen
# once the group's lag is back to 0, and the run refuses to print.
HORIZON_SQL = """
    SELECT least(now(), min(xact_start)) - interval '0.2 seconds' FROM pg_stat_activity
    WHERE datname = current_database() AND xact_start IS NOT NULL AND pid <> pg_backend_pid()
"""
COMMITTED_SQL = """
    SELECT split_part(source_id, ':', 1) AS event, resident_id FROM postings
    WHERE resident_id = ANY($1::uuid[]) AND created_at >= $2 AND source_type = 'volunteer'
"""

Committed = Callable[[str, uuid.UUID], None]  # told of each award once, as first seen


class Commits:
    """When each volunteer award of the given residents was first seen committed in the points
    database (what any reader, the resident's API included, can see from then on). Polled from
    its own connection as each transaction that wrote outbox rows commits (LISTEN on the
    outbox's NOTIFY channel: an award's transaction writes one), at most every 20 ms and at
    least every 0.5 s; a poll uses the (resident_id, created_at) index."""

    def __init__(self, dsn: str, residents: list[uuid.UUID], tell: Committed) -> None:
        self.dsn, self.residents, self.tell = dsn, residents, tell
        self.seen: dict[str, float] = {}
        self.polls = 0
        self.rows = 0  # read by all polls: the measurement's own cost
        self.widest = 0.0  # seconds, the longest span of rows one poll read
        self.task: asyncio.Task[None] | None = None

    def start(self, stop: asyncio.Event) -> None:
        self.task = asyncio.create_task(self.watch(stop))

    async def watch(self, stop: asyncio.Event) -> None:
        conn = await asyncpg.connect(self.dsn)
        woken = asyncio.Event()
        await conn.add_listener(NOTIFY_CHANNEL, lambda *_: woken.set())
        try:
            horizon: datetime = await conn.fetchval(HORIZON_SQL)
            while not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(woken.wait(), FALLBACK_SECONDS)
                woken.clear()  # a commit during the poll wakes the next one
                started = time.monotonic()
                horizon = await self.poll(conn, horizon)
                await asyncio.sleep(max(0.0, POLL_SECONDS - (time.monotonic() - started)))
        finally:
            await conn.close()

    async def poll(self, conn: asyncpg.Connection, horizon: datetime) -> datetime:
        following: datetime = await conn.fetchval(HORIZON_SQL)  # read before the rows
        rows = await conn.fetch(COMMITTED_SQL, self.residents, horizon)
        now = time.time()
        self.polls += 1
        self.rows += len(rows)
        self.widest = max(self.widest, now - horizon.timestamp())
        for row in rows:
            if row["event"] not in self.seen:
                self.seen[row["event"]] = now
                self.tell(row["event"], row["resident_id"])
        return following

    async def until(self, ids: set[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not ids <= self.seen.keys() and time.monotonic() < deadline:
            if self.task is not None and self.task.done():
                await self.task  # the poll failed: its error, not a timeout
            await asyncio.sleep(0.1)
        return ids <= self.seen.keys()


class ApiSample:
    """Tracked residents' awards as their own API shows them. Once the poll sees one
    committed, that resident's `GET /api/points/accounts/me/postings` is read through the
    gateway with their token until it lists the award; the answer's arrival is when the award
    was visible through the API (an upper bound: commit, the poll's delay and one read)."""

    def __init__(self, gw: httpx.AsyncClient, tokens: dict[uuid.UUID, dict[str, str]]) -> None:
        self.gw, self.tokens = gw, tokens
        self.shown: dict[str, float] = {}
        self.waiting: dict[uuid.UUID, set[str]] = {r: set() for r in tokens}
        self.readers: dict[uuid.UUID, asyncio.Task[None]] = {}
        self.reads = 0
        self.refused: list[int] = []  # statuses other than 200 (the award stays unlisted)

    def committed(self, event: str, resident: uuid.UUID) -> None:
        if resident not in self.tokens:
            return
        self.waiting[resident].add(event)
        if resident not in self.readers or self.readers[resident].done():
            self.readers[resident] = asyncio.create_task(self.read(resident))

    async def read(self, resident: uuid.UUID) -> None:
        while self.waiting[resident]:
            answer = await self.gw.get(
                "/api/points/accounts/me/postings",
                params={"limit": 100},
                headers=self.tokens[resident],
            )
            now = time.time()
            self.reads += 1
            if answer.status_code != 200:
                self.refused.append(answer.status_code)
                return
            listed = {item["source_id"].split(":")[0] for item in answer.json()["items"]}
            for event in self.waiting[resident] & listed:
                self.shown[event] = now
            self.waiting[resident] -= listed
            if self.waiting[resident]:
                await asyncio.sleep(POLL_SECONDS)

    async def settle(self) -> None:
        await asyncio.gather(*self.readers.values())
        require(not self.refused, f"postings reads answered {sorted(set(self.refused))}")


class Lag:
    """The points group's lag on volunteer.events, read from Kafka: end offsets less the
    group's committed offsets (it commits after each batch's transaction)."""

    def __init__(self, bootstrap: str) -> None:
        self.admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        self.reader = AIOKafkaConsumer(bootstrap_servers=bootstrap)  # no group: offsets only
        self.partitions: list[TopicPartition] = []

    async def start(self) -> None:
        await self.admin.start()
        await self.reader.start()
        (topic,) = await self.admin.describe_topics([TOPIC])
        numbers = sorted(p["partition"] for p in topic["partitions"])
        self.partitions = [TopicPartition(TOPIC, p) for p in numbers]
        require(bool(self.partitions), f"no partitions of {TOPIC} found")

    async def stop(self) -> None:
        await self.reader.stop()
        await self.admin.close()

    async def now(self) -> int:
        committed = await self.admin.list_consumer_group_offsets(GROUP, partitions=self.partitions)
        ends = await self.reader.end_offsets(self.partitions)
        starts = await self.reader.beginning_offsets(self.partitions)
        done = {tp: c.offset if c.offset >= 0 else starts[tp] for tp, c in committed.items()}
        return sum(ends[tp] - done.get(tp, starts[tp]) for tp in self.partitions)

    async def sample(self, stop: asyncio.Event, peaks: list[int]) -> None:
        """Once a second while a run lasts: the largest lag seen."""
        while not stop.is_set():
            peaks.append(await self.now())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1)

    async def drained(self, timeout: float) -> float | None:
        """When (Unix time) the lag was first read as 0, polled every 100 ms; None if not
        within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await self.now() == 0:
                return time.time()
            await asyncio.sleep(0.1)
        return None
