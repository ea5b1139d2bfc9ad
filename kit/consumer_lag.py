"""kafka_consumer_lag: how far each partition a runner owns is behind its log end."""

from __future__ import annotations

import time
from typing import Protocol

from aiokafka import TopicPartition
from aiokafka.errors import IllegalStateError
from prometheus_client import Gauge

from kit import metrics


class LagSource(Protocol):
    """What the gauge reads of an AIOKafkaConsumer (a fake in unit tests)."""

    def assignment(self) -> set[TopicPartition]: ...

    def highwater(self, partition: TopicPartition) -> int | None: ...

    async def position(self, partition: TopicPartition) -> int: ...


class ConsumerLag:
    """Sets the gauge per owned partition from the last fetch's high watermark and the
    consumer's position (the next offset it hands out), at most once per `interval`: both are
    known in memory, so an update costs no broker round trip. Partitions given away are removed
    so a replica that no longer owns one does not report it forever."""

    def __init__(self, consumer_name: str, *, interval: float = 1.0) -> None:
        self.consumer_name = consumer_name
        self.interval = interval
        self._updated_at = -float("inf")
        self._reported: set[TopicPartition] = set()

    async def update(self, consumer: LagSource, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._updated_at < self.interval:
            return
        self._updated_at = now
        owned = consumer.assignment()
        for tp in owned:
            high = consumer.highwater(tp)
            if high is None:  # nothing fetched yet: unknown, not zero
                continue
            try:
                position = await consumer.position(tp)
            except IllegalStateError:  # given away since assignment() was read
                continue
            self._gauge(tp).set(max(high - position, 0))
            self._reported.add(tp)
        for tp in self._reported - owned:
            metrics.CONSUMER_LAG.remove(self.consumer_name, tp.topic, str(tp.partition))
        self._reported &= owned

    def _gauge(self, tp: TopicPartition) -> Gauge:
        return metrics.CONSUMER_LAG.labels(self.consumer_name, tp.topic, str(tp.partition))
