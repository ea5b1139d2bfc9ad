"""Helpers for integration tests against the real PostgreSQL and Kafka of the test stack."""

from __future__ import annotations

import asyncio
import atexit
import os
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol, TypeVar

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from pydantic import Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from contracts import EventData, Registry
from kit.consumer import ConsumerRunner
from kit.db import asyncpg_dsn, make_engine, make_session_factory
from kit.events import CloudEvent, ParsedEvent, new_event


def server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set: run the suite with `make test`")
    return url


def bootstrap() -> str:
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if not servers:
        raise RuntimeError("KAFKA_BOOTSTRAP_SERVERS is not set: run the suite with `make test`")
    return servers


def database_url(name: str) -> str:
    base = server_url().rsplit("/", 1)[0]
    return f"{base}/{name}"


async def create_database(name: str) -> str:
    conn = await asyncpg.connect(asyncpg_dsn(server_url()))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return database_url(name)


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(server_url()))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


# Each service's migrations run once per test run, into a template database of that run's own;
# every scratch database of the service is then a copy of it (CREATE DATABASE ... TEMPLATE: the
# same tables, rows and alembic_version, in a fraction of the time and CPU of running every
# migration again). Tests of the migrations themselves call upgrade_head directly.
_TEMPLATES: dict[str, str] = {}
_TEMPLATE_LOCKS: dict[int, asyncio.Lock] = {}


async def migrate(service: str, url: str) -> None:
    """The fresh, empty database at `url` replaced by a copy of `service`'s migrated template."""
    from kit.migrate import upgrade_head

    lock = _TEMPLATE_LOCKS.setdefault(id(asyncio.get_running_loop()), asyncio.Lock())
    async with lock:
        template = _TEMPLATES.get(service)
        if template is None:
            if not _TEMPLATES:
                atexit.register(_drop_templates, server_url())
            template = unique(f"template_{service}")
            await asyncio.to_thread(upgrade_head, service, await create_database(template))
            _TEMPLATES[service] = template
        name = url.rsplit("/", 1)[1]
        conn = await asyncpg.connect(asyncpg_dsn(server_url()))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        finally:
            await conn.close()


def _drop_templates(server: str) -> None:
    async def drop() -> None:
        conn = await asyncpg.connect(asyncpg_dsn(server))
        try:
            for template in _TEMPLATES.values():
                await conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


async def create_topics(servers: str, names: list[str], partitions: int = 6) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(n, partitions, 1) for n in names])
    except TopicAlreadyExistsError:
        pass
    finally:
        await admin.close()


@dataclass
class Clock:
    """An injectable clock tests move forward (publicity periods, code expiry, rotation)."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Db:
    name: str
    url: str
    dsn: str
    engine: AsyncEngine
    factory: async_sessionmaker[AsyncSession]

    async def fetchval(self, sql: str, *args: object) -> object:
        conn = await asyncpg.connect(self.dsn)
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()


@asynccontextmanager
async def scratch_database(service: str = "identity") -> AsyncIterator[Db]:
    """A fresh database migrated like `service`'s (outbox, inbox, ...) plus an `applied` table."""
    name = unique("t")
    url = await create_database(name)
    try:
        await migrate(service, url)
        dsn = asyncpg_dsn(url)
        conn = await asyncpg.connect(dsn)
        await conn.execute(APPLIED_DDL)
        await conn.close()
        engine = make_engine(url, pool_size=5)
        try:
            yield Db(name, url, dsn, engine, make_session_factory(engine))
        finally:
            await engine.dispose()
    finally:
        await drop_database(name)


def counted_contract(topic: str) -> tuple[Registry, type[EventData]]:
    """A throwaway event type on a throwaway topic: `n` identifies it, `amount` is summed."""

    class Counted(EventData):
        event_type: ClassVar[str] = "org.shanzhi.test.counted.v1"
        aggregate_type: ClassVar[str] = "counter"

        n: int = Field(ge=0)
        amount: int = Field(ge=0)
        key: str

    Counted.topic = topic
    registry = Registry(topics=None)
    registry.register(Counted)
    return registry, Counted


def counted_event(model: type[EventData], n: int, *, keys: int = 50) -> CloudEvent:
    data = model(n=n, amount=n % 7 + 1, key=f"k{n % keys}")  # type: ignore[call-arg]
    return new_event(data, source="/services/test", subject=f"k{n % keys}")


def expected_sum(count: int) -> int:
    return sum(n % 7 + 1 for n in range(count))


APPLIED_DDL = "CREATE TABLE IF NOT EXISTS applied (n int NOT NULL, amount int NOT NULL)"


async def apply_counted(session: AsyncSession, event: ParsedEvent[Any]) -> None:
    """The effect under test. No unique key on purpose: a double apply must show as a double."""
    data: Any = event.data
    await session.execute(
        text("INSERT INTO applied (n, amount) VALUES (:n, :amount)"),
        {"n": data.n, "amount": data.amount},
    )


async def applied_stats(dsn: str) -> tuple[int, int, int]:
    """(rows, distinct n, sum of amount) in the `applied` table."""
    conn = await asyncpg.connect(dsn)
    try:
        row = await conn.fetchrow(
            "SELECT count(*), count(DISTINCT n), coalesce(sum(amount), 0) FROM applied"
        )
    finally:
        await conn.close()
    return int(row[0]), int(row[1]), int(row[2])


async def read_topic(
    servers: str, topic: str, *, until: Callable[[list[ConsumerRecord]], bool], timeout: float = 30
) -> list[ConsumerRecord]:
    """Read a topic from the beginning (no group) until `until(records)` or the timeout."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=servers, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and not until(records):
            batch = await consumer.getmany(timeout_ms=300)
            for part in batch.values():
                records.extend(part)
    finally:
        await consumer.stop()
    return records


async def eventually(
    probe: Callable[[], Awaitable[bool]], *, timeout: float, interval: float = 0.2
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await probe():
            return True
        await asyncio.sleep(interval)
    return await probe()


def unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def now() -> datetime:
    return datetime.now(UTC)


async def produce(
    servers: str, topic: str, values: list[bytes], *, keys: list[bytes] | None = None
) -> None:
    """Publish raw values (one key for all unless `keys` are given) and wait for the acks."""
    from kit.kafka import make_producer

    producer = make_producer(servers)
    await producer.start()
    try:
        keys = keys or [b"k"] * len(values)
        pending = [
            await producer.send(topic, value=v, key=k) for v, k in zip(values, keys, strict=True)
        ]
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def committed_total(servers: str, group: str, topic: str) -> int:
    """Sum of the group's committed offsets over the topic's partitions (0 if none)."""
    from aiokafka import TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=servers, group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = consumer.partitions_for_topic(topic) or set()
        if not parts:
            await consumer._client.force_metadata_update()
            parts = consumer.partitions_for_topic(topic) or set()
        total = 0
        for p in parts:
            total += await consumer.committed(TopicPartition(topic, p)) or 0
        return total
    finally:
        await consumer.stop()


class Worker(Protocol):
    async def run(self) -> None: ...

    async def stop(self) -> None: ...


W = TypeVar("W", bound=Worker)


@asynccontextmanager
async def running(worker: W) -> AsyncIterator[W]:
    """Run a relay or consumer runner in the background for the block, then stop it cleanly."""
    task = asyncio.create_task(worker.run())
    try:
        yield worker
    finally:
        await worker.stop()
        await asyncio.wait_for(task, timeout=20)


def counted_runner(
    factory: async_sessionmaker[AsyncSession],
    servers: str,
    topic: str,
    *,
    group: str | None = None,
    handler: Callable[[AsyncSession, ParsedEvent[Any]], Awaitable[None]] = apply_counted,
    **options: Any,
) -> ConsumerRunner:
    """A consumer runner applying counted events of `topic` with `handler`."""
    registry, _ = counted_contract(topic)
    return ConsumerRunner(
        consumer_name=group or unique("group"),
        topics=[topic],
        handlers={"org.shanzhi.test.counted.v1": handler},
        session_factory=factory,
        bootstrap_servers=servers,
        registry=registry,
        **options,
    )
