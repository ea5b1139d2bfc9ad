"""The platform's Kafka topics and an idempotent way to create them."""

from __future__ import annotations

import asyncio

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, for_code

from contracts import TOPICS, dlq_topic

# The contracts own the topic list (one per producer); poison is parked in a twin (rule 4).
EVENT_TOPICS: tuple[str, ...] = TOPICS
DLQ_TOPICS: tuple[str, ...] = tuple(dlq_topic(topic) for topic in EVENT_TOPICS)
PLATFORM_TOPICS: tuple[str, ...] = EVENT_TOPICS + DLQ_TOPICS

_TOPIC_ALREADY_EXISTS = 36
CREATE_TIMEOUT = 60.0


class TopicError(RuntimeError):
    """The broker refused to create a topic."""


async def list_topics(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def create_topics(
    bootstrap: str,
    names: list[str] | tuple[str, ...],
    partitions: int,
    *,
    replication_factor: int = 1,
) -> None:
    """Create the topics that are missing; existing ones are left as they are."""
    last_error: KafkaError | None = None
    try:
        async with asyncio.timeout(CREATE_TIMEOUT):
            while True:
                try:
                    await _create_missing(bootstrap, list(names), partitions, replication_factor)
                    return
                except KafkaError as error:
                    # A broker that has just started may not have elected its
                    # controller yet; that passes within seconds.
                    last_error = error
                    await asyncio.sleep(0.5)
    except TimeoutError:
        raise TopicError(f"could not create topics on {bootstrap}: {last_error!r}") from last_error


async def _create_missing(
    bootstrap: str, names: list[str], partitions: int, replication_factor: int
) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in names if name not in existing]
        if not missing:
            return
        response = await admin.create_topics(
            [NewTopic(name, partitions, replication_factor) for name in missing]
        )
        # Per-topic errors come back in the response rather than raised.
        failures = [
            (entry[0], for_code(entry[1]))
            for entry in response.topic_errors
            if entry[1] not in (0, _TOPIC_ALREADY_EXISTS)
        ]
        for topic, error in failures:
            if error.retriable:
                raise error(f"creating {topic}")
        if failures:
            names_and_errors = "; ".join(f"{topic}: {error.__name__}" for topic, error in failures)
            raise TopicError(f"could not create topics: {names_and_errors}")
    finally:
        await admin.close()
