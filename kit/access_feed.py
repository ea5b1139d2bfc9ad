"""The feed of an AccessOverlay: this process reads identity.events itself, in no group.

Every replica of every service and of the gateway must see every person's changes, so there is
no consumer group (a group would split the partitions between replicas) and no committed
offset: at each start the feed seeks every partition to the first event of the window (now
minus `access_facts_window_seconds`, by Kafka's timestamps) and reads on from there.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.client import AIOKafkaClient

from kit.access import ACCESS_CHANGED, AccessOverlay, facts_from_event
from kit.events import InvalidEvent, parse_event
from kit.health import Check
from kit.kafka import client_options, make_consumer
from kit.settings import KitSettings

log = logging.getLogger("kit.access")

TOPIC = "identity.events"
PRUNE_EVERY_SECONDS = 30.0
NOT_CAUGHT_UP = "reading recent access changes from identity.events"


class AccessFeed:
    def __init__(
        self,
        *,
        overlay: AccessOverlay,
        bootstrap_servers: str,
        topic: str = TOPIC,
        retry_seconds: float = 2.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.overlay = overlay
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.retry_seconds = retry_seconds
        self._clock = clock
        self._pruned_at = 0.0

    async def run(self, stopping: asyncio.Event) -> None:
        """Follow the topic until `stopping` is set; a broker away is retried, never fatal."""
        while not stopping.is_set():
            try:
                await self._follow(stopping)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any broker trouble: start over from the window
                log.warning("access feed interrupted", extra={"error": repr(exc)[:300]})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), self.retry_seconds)

    async def _follow(self, stopping: asyncio.Event) -> None:
        consumer = make_consumer(self.bootstrap_servers, None, auto_offset_reset="latest")
        await consumer.start()
        try:
            ends = await self._seek_window(consumer)
            while not stopping.is_set():
                batches = await consumer.getmany(timeout_ms=500, max_records=500)
                for records in batches.values():
                    for record in records:
                        self._read(record)
                if not self.overlay.caught_up and await _reached(consumer, ends):
                    self.overlay.caught_up = True
                    log.info("access facts caught up", extra={"people": len(self.overlay)})
                self._prune_when_due()
        finally:
            await consumer.stop()

    async def _seek_window(self, consumer: AIOKafkaConsumer) -> dict[TopicPartition, int]:
        """Assign every partition, seek each to the window's start; their end offsets now."""
        numbers = await self._partitions()
        if not numbers:
            # No topic, no change to know of: ready, and looking again after retry_seconds.
            self.overlay.caught_up = True
            raise LookupError(f"topic {self.topic} does not exist yet")
        partitions = [TopicPartition(self.topic, p) for p in sorted(numbers)]
        consumer.assign(partitions)
        since_ms = int((self._clock() - self.overlay.window_seconds) * 1000)
        found = await consumer.offsets_for_times({tp: since_ms for tp in partitions})
        for tp in partitions:
            at = found.get(tp)
            if at is None:  # nothing in the window on this partition
                await consumer.seek_to_end(tp)
            else:
                consumer.seek(tp, at.offset)
        ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        return ends

    async def _partitions(self) -> set[int]:
        """The topic's partitions (a consumer with nothing assigned keeps no metadata for it)."""
        client = AIOKafkaClient(bootstrap_servers=self.bootstrap_servers, **client_options())
        try:
            await client.bootstrap()
            cluster = await client.fetch_all_metadata()
            return set(cluster.partitions_for_topic(self.topic) or ())
        finally:
            await client.close()

    def _read(self, record: ConsumerRecord[bytes, bytes]) -> None:
        raw = record.value
        if raw is None or ACCESS_CHANGED.encode() not in raw:
            return  # another identity event: not parsed at all
        try:
            event = parse_event(raw)
        except (InvalidEvent, LookupError, json.JSONDecodeError) as exc:
            # The consumers of identity.events park such an event; here it is only skipped.
            log.warning("access change unreadable", extra={"error": str(exc)[:300]})
            return
        if event.envelope.type == ACCESS_CHANGED:
            person_id, facts = facts_from_event(event.envelope.data)
            self.overlay.record(person_id, facts)

    def _prune_when_due(self) -> None:
        now = time.monotonic()
        if now - self._pruned_at >= PRUNE_EVERY_SECONDS:
            self._pruned_at = now
            self.overlay.prune()


async def _reached(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return False
    return True


def access_feed(settings: KitSettings) -> AccessFeed:
    """A new overlay and the feed that fills it. The caller puts `feed.overlay` on its app's
    `state.access_overlay` (kit.deps and the gateway edge apply it from there) and runs
    `feed.run(stopping)` beside the app."""
    overlay = AccessOverlay(window_seconds=settings.access_facts_window_seconds)
    return AccessFeed(overlay=overlay, bootstrap_servers=settings.kafka_bootstrap_servers)


def access_ready(feed: AccessFeed) -> Check:
    """Ready once the feed has read the window: until then a revocation might not be known."""

    async def check() -> str | None:
        return None if feed.overlay.caught_up else NOT_CAUGHT_UP

    return check
