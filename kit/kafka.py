"""Kafka client construction with the platform's delivery guarantees."""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


def make_producer(bootstrap_servers: str, **overrides: Any) -> AIOKafkaProducer:
    """An idempotent producer that waits for all in-sync replicas (acks=all)."""
    options: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers,
        "enable_idempotence": True,
        "acks": "all",
        "linger_ms": 5,
        "request_timeout_ms": 15_000,
    }
    options.update(overrides)
    return AIOKafkaProducer(**options)


def make_consumer(bootstrap_servers: str, group_id: str, **overrides: Any) -> AIOKafkaConsumer:
    """A group member that never auto-commits: offsets follow the database transaction."""
    options: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers,
        "group_id": group_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_poll_records": 500,
    }
    options.update(overrides)
    return AIOKafkaConsumer(**options)


async def fetch_metadata(producer: AIOKafkaProducer) -> bool:
    """True when the producer can reach a broker and read cluster metadata."""
    return bool(await producer.client.fetch_all_metadata())
