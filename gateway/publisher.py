"""The partner ingress's Kafka producer: started when first needed, checked for readiness."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from kit.kafka import make_producer

log = logging.getLogger("gateway.ingress")

RETRY_AFTER_SECONDS = 5
PUBLISH_TIMEOUT_SECONDS = 10.0


class PublishFailed(Exception):
    """The broker did not acknowledge every record in time."""


class Publisher:
    """The idempotent producer (acks=all), started when first needed: the gateway's other
    routes serve while Kafka is down, and ingress answers 503 until it is back."""

    def __init__(self, servers: str, *, timeout: float = PUBLISH_TIMEOUT_SECONDS) -> None:
        self._servers = servers
        self._timeout = timeout
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()
        self._failed_at = -float("inf")
        self._warming: asyncio.Future[None] | None = None

    async def start(self) -> None:
        try:
            await self._started()
        except PublishFailed as exc:
            log.warning("partner ingress: Kafka not reachable yet (%s)", exc)

    async def stop(self) -> None:
        if self._warming is not None:
            self._warming.cancel()
        producer, self._producer = self._producer, None
        if producer is not None:
            await self._close(producer)

    async def check_connected(self) -> None:
        """Raises PublishFailed unless the producer is started and a broker answers now.

        Not started yet (Kafka was down): a start is tried in the background, never in the
        caller, whose readiness deadline would otherwise cancel a half-started producer.
        """
        producer = self._producer
        if producer is None:
            if self._warming is None or self._warming.done():
                self._warming = asyncio.ensure_future(self.start())
            raise PublishFailed("no connection to Kafka")
        try:
            await producer.client.fetch_all_metadata()
        except KafkaError as exc:
            raise PublishFailed(f"{type(exc).__name__}: {exc}") from exc

    async def publish(self, topic: str, records: Sequence[tuple[bytes, bytes]]) -> None:
        """Returns once the broker acknowledged every (key, value); raises PublishFailed."""
        if not records:
            return
        producer = await self._started()
        try:
            async with asyncio.timeout(self._timeout):
                sent = [await producer.send(topic, value=v, key=k) for k, v in records]
                await asyncio.gather(*sent)
        except (KafkaError, TimeoutError) as exc:
            raise PublishFailed(f"{type(exc).__name__}: {exc}") from exc

    async def _started(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is not None:
                return self._producer
            if time.monotonic() - self._failed_at < RETRY_AFTER_SECONDS / 2:
                raise PublishFailed("Kafka was unreachable a moment ago")
            producer = make_producer(self._servers)
            try:
                await asyncio.wait_for(producer.start(), self._timeout)
            except (KafkaError, OSError, TimeoutError) as exc:
                self._failed_at = time.monotonic()
                await self._close(producer)
                raise PublishFailed(f"{type(exc).__name__}: {exc}") from exc
            self._producer = producer
            return producer

    async def _close(self, producer: AIOKafkaProducer) -> None:
        """Flush and close; a producer that cannot is left to the garbage collector, logged."""
        try:
            await asyncio.wait_for(producer.stop(), self._timeout)
        except Exception as exc:
            log.warning("partner ingress: the Kafka producer did not close: %r", exc)
