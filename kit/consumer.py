"""The consumer runner: batches from Kafka applied to PostgreSQL exactly once per event.

A poll (its partitions, each in order) is one database transaction. Every event gets an inbox
row (consumer, source, id) inside it, so a redelivered event is a no-op; offsets are committed
only after the transaction. A poll first runs on a fast path (one bulk inbox claim, no
savepoints, runs of a batchable handler's events in one call); if a handler fails there, the
poll is replayed with each handler in a savepoint, so one poison event is parked in
`<topic>.dlq` without undoing its neighbours.
Transient failures (database or broker away) roll the batch back and retry it with backoff,
forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts import REGISTRY, Registry
from kit import metrics
from kit.consumer_batch import NeedsCarefulPath, apply_batch_fast
from kit.consumer_lag import ConsumerLag
from kit.consumer_steps import apply_one, dead_letter_header
from kit.kafka import make_consumer, make_producer
from kit.rebalance import CommitOnRevoke
from kit.subscriptions import HandlerTable
from kit.transient import is_transient

log = logging.getLogger("kit.consumer")


@dataclass
class RunnerState:
    """What the runner remembers between batches, per process."""

    uncommitted: dict[TopicPartition, int] = field(default_factory=dict)
    failures: dict[tuple[str, int, int], int] = field(default_factory=dict)
    parked: set[tuple[str, int, int]] = field(default_factory=set)


class ConsumerRunner:
    def __init__(
        self,
        *,
        consumer_name: str,
        topics: Sequence[str],
        handlers: HandlerTable,
        session_factory: async_sessionmaker[AsyncSession],
        bootstrap_servers: str,
        registry: Registry = REGISTRY,
        max_records: int = 500,
        max_handler_attempts: int = 5,
        max_backoff: float = 5.0,
        commit_interval: float = 0.2,
    ) -> None:
        unknown = sorted(name for name in handlers if name not in registry)
        if unknown:
            # A type name no contract defines would only ever be counted as skipped.
            raise ValueError(f"handlers for unregistered event types: {unknown}")
        self.name = consumer_name
        self.topics = list(topics)
        self.handlers = dict(handlers)
        self.session_factory = session_factory
        self.bootstrap_servers = bootstrap_servers
        self.registry = registry
        self.max_records = max_records
        self.max_handler_attempts = max_handler_attempts
        self.max_backoff = max_backoff
        # Offsets are committed at most this often (and always on revoke and stop): a commit
        # is a broker round trip, and one not yet made only means the inbox drops a redelivery.
        self.commit_interval = commit_interval
        self._committed_at = 0.0
        self.state = RunnerState()
        self.lag = ConsumerLag(consumer_name)
        self._stopping = asyncio.Event()
        self._consumer: AIOKafkaConsumer | None = None
        self._dlq: AIOKafkaProducer | None = None

    async def run(self) -> None:
        """Consume until stopped; a broker that is away at start is waited for."""
        backoff = 0.2
        while not self._stopping.is_set():
            try:
                await self._run_connected()
            except Exception as exc:
                if self._stopping.is_set():
                    break
                log.warning("consumer interrupted, retrying", extra={"error": repr(exc)})
                await self._sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    async def stop(self) -> None:
        self._stopping.set()

    async def _run_connected(self) -> None:
        consumer = make_consumer(
            self.bootstrap_servers, self.name, max_poll_records=self.max_records
        )
        dlq = make_producer(self.bootstrap_servers)
        await dlq.start()
        # Offsets left from a broken session may name partitions now owned elsewhere.
        self.state.uncommitted.clear()
        try:
            consumer.subscribe(self.topics, listener=CommitOnRevoke(self))
            await consumer.start()
            self._consumer, self._dlq = consumer, dlq
            while not self._stopping.is_set():
                batch = await consumer.getmany(timeout_ms=500, max_records=self.max_records)
                if batch:
                    await self._process_poll(batch)
                elif self.state.uncommitted:
                    await self.commit_pending()  # idle: what is done is committed now
                await self.lag.update(consumer)
        finally:
            await self._final_commit()
            self._consumer = None
            await consumer.stop()
            await dlq.stop()

    async def _process_poll(self, batch: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        """One poll, over all its partitions (each in order), is one transaction."""
        records = [record for records in batch.values() for record in records]
        await self._with_retry(lambda: self._apply_batch(records))
        for tp, done in batch.items():
            self.state.uncommitted[tp] = done[-1].offset + 1
        if time.monotonic() - self._committed_at >= self.commit_interval:
            await self.commit_pending()

    async def _apply_batch(self, records: list[ConsumerRecord]) -> None:
        try:
            async with self.session_factory() as session, session.begin():
                outcomes = await apply_batch_fast(self, session, records)
        except NeedsCarefulPath as exc:
            log.info("replaying batch event by event", extra={"reason": str(exc)[:200]})
            async with self.session_factory() as session, session.begin():
                outcomes = Counter([await apply_one(self, session, r) for r in records])
        for outcome, count in outcomes.items():
            metrics.CONSUMED.labels(self.name, outcome.value).inc(count)

    async def _with_retry(self, attempt: Callable[[], Awaitable[None]]) -> None:
        backoff = 0.1
        while True:
            try:
                await attempt()
                return
            except Exception as exc:
                if not is_transient(exc) or self._stopping.is_set():
                    raise
                metrics.CONSUMER_RETRIES.labels(self.name).inc()
                log.warning("transient failure, retrying batch", extra={"error": repr(exc)})
                await self._sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    async def park(self, record: ConsumerRecord, reason: str) -> None:
        """Send the original bytes to `<topic>.dlq` with the reason; wait for the broker's ack."""
        key = (record.topic, record.partition, record.offset)
        if key in self.state.parked:
            return
        assert self._dlq is not None
        headers = dead_letter_header(record, consumer=self.name, reason=reason)
        await self._dlq.send_and_wait(
            f"{record.topic}.dlq", value=record.value, key=record.key, headers=headers
        )
        self.state.parked.add(key)
        metrics.DEAD_LETTERED.labels(self.name, record.topic).inc()
        log.warning("event parked in dead-letter topic", extra={"reason": reason, "offset": key})

    async def commit_pending(self) -> None:
        if not self.state.uncommitted or self._consumer is None:
            return
        offsets = dict(self.state.uncommitted)
        self._committed_at = time.monotonic()
        try:
            await self._consumer.commit(offsets)
        except CommitFailedError as exc:
            # The group rebalanced: the new owner re-reads these, and the inbox drops them.
            log.info("offset commit refused after rebalance", extra={"error": repr(exc)})
        for tp, offset in offsets.items():
            if self.state.uncommitted.get(tp) == offset:
                del self.state.uncommitted[tp]

    async def _final_commit(self) -> None:
        try:
            await self.commit_pending()
        except Exception as exc:
            # Not fatal: uncommitted events are redelivered and dropped by the inbox.
            log.info("final offset commit failed", extra={"error": repr(exc)})

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
