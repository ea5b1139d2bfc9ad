"""What the benches share: refusing incomplete figures, reading a backlog from Kafka the way a
fresh consumer does, batching it as the runner does, and probing a database while it fills."""

from __future__ import annotations

import asyncio
import io
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from tests.integration import support

# The consumer runner's default batch (max_records); every ceiling writes in batches of this.
BATCH = 500


def require(complete: bool, what: str) -> None:
    """Refuse to print a figure for work that did not complete: exit non-zero instead."""
    if not complete:
        raise SystemExit(f"benchmark incomplete: {what}; no figure printed")


async def load_process(module: str, *args: str) -> dict[str, Any]:
    """Run a load generator (`python -m module args…`) in its own process: the JSON object on
    the last line of its output."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *args, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    require(proc.returncode == 0, f"the load generator exited {proc.returncode}")
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


@dataclass
class Consumed:
    """A backlog read by a fresh consumer group: how long it took and what it held."""

    seconds: float
    first_record: float  # seconds until the first record arrived (bootstrap and group join)
    records: list[ConsumerRecord] = field(default_factory=list)


async def consume_backlog(kafka: str, topic: str, count: int, timeout: float = 600) -> Consumed:
    """Seconds for a fresh group to read `count` records, from before the client starts: its
    bootstrap and group join are counted, as they are for the runner it is compared with."""
    started = time.perf_counter()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=kafka,
        group_id=support.unique("raw"),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[ConsumerRecord] = []
    first = 0.0
    try:
        while len(records) < count:
            elapsed = time.perf_counter() - started
            require(elapsed < timeout, f"raw consume saw {len(records)} of {count}")
            batch = await consumer.getmany(timeout_ms=500, max_records=BATCH)
            for part in batch.values():
                records.extend(part)
            if records and not first:
                first = time.perf_counter() - started
        return Consumed(time.perf_counter() - started, first, records)
    finally:
        await consumer.stop()


async def raw_consume(kafka: str, topic: str, count: int, timeout: float = 600) -> float:
    """Seconds for a fresh group to read `count` records (see consume_backlog)."""
    return (await consume_backlog(kafka, topic, count, timeout)).seconds


def batches(records: list[ConsumerRecord], size: int = BATCH) -> list[list[ConsumerRecord]]:
    """The records as the runner takes them: in the order a consumer received them (each
    partition's in offset order), `size` to a batch, one transaction each. A batch may span
    partitions, as one poll of the runner does."""
    return [records[i : i + size] for i in range(0, len(records), size)]


async def topic_size(kafka: str, topic: str) -> int:
    """How many records a topic holds (sum of its partitions' end offsets); 0 if it is empty."""
    consumer = AIOKafkaConsumer(bootstrap_servers=kafka, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum((await consumer.end_offsets(parts)).values()) if parts else 0
    finally:
        await consumer.stop()


class Probe:
    """One open connection polling a count while a worker fills the database (opening a
    connection per poll would cost the measured side CPU)."""

    def __init__(self, dsn: str, sql: str, *args: object) -> None:
        self.dsn, self.sql, self.args = dsn, sql, args
        self.conn: asyncpg.Connection | None = None

    async def count(self) -> int:
        if self.conn is None:
            self.conn = await asyncpg.connect(self.dsn)
        return int(await self.conn.fetchval(self.sql, *self.args))

    async def close(self) -> None:
        if self.conn is not None:
            await self.conn.close()


async def copy_table(source_dsn: str, target_dsn: str, table: str) -> None:
    """Copy a table's rows between two databases of the same schema (binary COPY)."""
    buffer = io.BytesIO()
    source, target = await asyncpg.connect(source_dsn), await asyncpg.connect(target_dsn)
    try:
        await source.copy_from_table(table, output=buffer, format="binary")
        buffer.seek(0)
        await target.copy_to_table(table, source=buffer, format="binary")
    finally:
        await source.close()
        await target.close()


def rate_line(label: str, count: int, seconds: float, unit: str, note: str = "") -> str:
    return f"{label:<34}{count / seconds:10.0f} {unit}/s ({seconds:.2f} s){note}"
