"""One event's path through the consumer runner: parse, de-duplicate, handle or park."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from aiokafka import ConsumerRecord
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import UnknownEventType
from kit import tracing
from kit.errors import PermanentEventError
from kit.events import CloudEvent, InvalidEvent, ParsedEvent, parse_envelope, validate_data
from kit.logging import event_id_var
from kit.subscriptions import Handler
from kit.tables import inbox
from kit.transient import is_transient

if TYPE_CHECKING:
    from kit.consumer import ConsumerRunner

# Failures that a retry cannot cure: parked at once. A ValidationError raised inside a
# handler (say, building an answer event from data that breaks its contract) is one.
PERMANENT: tuple[type[Exception], ...] = (
    InvalidEvent,
    UnknownEventType,
    PermanentEventError,
    ValidationError,
)


class EventOutcome(enum.Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"  # no handler for this type: not ours to apply
    DEAD_LETTERED = "dead_lettered"


async def apply_one(
    runner: ConsumerRunner, session: AsyncSession, record: ConsumerRecord
) -> EventOutcome:
    try:
        envelope = parse_envelope(record.value or b"")
    except InvalidEvent as exc:
        await runner.park(record, str(exc))
        return EventOutcome.DEAD_LETTERED
    handler = runner.handlers.get(envelope.type)
    if handler is None:
        return EventOutcome.SKIPPED
    token = event_id_var.set(envelope.id)
    try:
        with tracing.consuming(envelope, runner.name):
            return await _handle(runner, session, record, envelope, handler)
    finally:
        event_id_var.reset(token)


async def _handle(
    runner: ConsumerRunner,
    session: AsyncSession,
    record: ConsumerRecord,
    envelope: CloudEvent,
    handler: Handler[Any],
) -> EventOutcome:
    key = (record.topic, record.partition, record.offset)
    try:
        async with session.begin_nested():
            if not await _claim(runner.name, session, envelope):
                return EventOutcome.DUPLICATE
            data = validate_data(envelope, runner.registry)
            await handler(session, ParsedEvent(envelope=envelope, data=data))
    except PERMANENT as exc:
        return await _park_recorded(runner, session, record, envelope, str(exc))
    except Exception as exc:
        if is_transient(exc):
            raise
        attempts = runner.state.failures.get(key, 0) + 1
        runner.state.failures[key] = attempts
        if attempts < runner.max_handler_attempts:
            raise
        reason = f"handler failed {attempts} times: {exc.__class__.__name__}: {exc}"
        return await _park_recorded(runner, session, record, envelope, reason)
    runner.state.failures.pop(key, None)
    return EventOutcome.APPLIED


async def _claim(consumer: str, session: AsyncSession, envelope: CloudEvent) -> bool:
    """Insert the inbox row; False when this consumer already has this event."""
    stmt = (
        pg_insert(inbox)
        .values(
            consumer=consumer,
            event_source=envelope.source,
            event_id=envelope.id,
            event_type=envelope.type,
        )
        .on_conflict_do_nothing()
        .returning(inbox.c.event_id)
    )
    return (await session.execute(stmt)).first() is not None


async def _park_recorded(
    runner: ConsumerRunner,
    session: AsyncSession,
    record: ConsumerRecord,
    envelope: CloudEvent,
    reason: str,
) -> EventOutcome:
    """Park the event and remember it in the inbox, so a redelivery is not parked twice."""
    await runner.park(record, reason)
    values = {
        "consumer": runner.name,
        "event_source": envelope.source,
        "event_id": envelope.id,
        "event_type": envelope.type,
        "outcome": EventOutcome.DEAD_LETTERED.value,
    }
    stmt = pg_insert(inbox).values(**values).on_conflict_do_nothing()
    await session.execute(stmt)
    return EventOutcome.DEAD_LETTERED


def dead_letter_header(
    record: ConsumerRecord, *, consumer: str, reason: str
) -> list[tuple[str, bytes]]:
    return [
        ("dlq.reason", reason[:1000].encode()),
        ("dlq.consumer", consumer.encode()),
        ("dlq.original.topic", record.topic.encode()),
        ("dlq.original.partition", str(record.partition).encode()),
        ("dlq.original.offset", str(record.offset).encode()),
        ("content-type", b"application/cloudevents+json"),
    ]
