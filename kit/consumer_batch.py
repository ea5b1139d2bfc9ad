"""The consumer runner's fast path: one bulk inbox claim per batch, handlers without savepoints.

Anything unusual in a batch (an invalid event, a handler error) abandons the fast path; the
runner then replays the batch event by event with savepoints (kit.consumer_steps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiokafka import ConsumerRecord
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.consumer_steps import EventOutcome
from kit.events import CloudEvent, InvalidEvent, ParsedEvent, parse_envelope, validate_data
from kit.logging import event_id_var
from kit.subscriptions import Handler
from kit.tables import inbox
from kit.transient import is_transient

if TYPE_CHECKING:
    from kit.consumer import ConsumerRunner


class NeedsCarefulPath(Exception):
    """The batch holds something the fast path does not decide; replay it event by event."""


Prepared = tuple[CloudEvent, Handler[Any]]


async def apply_batch_fast(
    runner: ConsumerRunner, session: AsyncSession, records: list[ConsumerRecord]
) -> list[EventOutcome]:
    outcomes: list[EventOutcome] = []
    todo: list[Prepared] = []
    seen: set[tuple[str, str]] = set()
    for record in records:
        envelope = _envelope(record)
        handler = runner.handlers.get(envelope.type)
        key = (envelope.source, envelope.id)
        if handler is None or key in seen:
            outcomes.append(EventOutcome.SKIPPED if handler is None else EventOutcome.DUPLICATE)
            continue
        seen.add(key)
        todo.append((envelope, handler))
    claimed = await _claim_all(runner.name, session, [e for e, _ in todo])
    for envelope, handler in todo:
        if (envelope.source, envelope.id) not in claimed:
            outcomes.append(EventOutcome.DUPLICATE)
            continue
        await _run(runner, session, envelope, handler)
        outcomes.append(EventOutcome.APPLIED)
    return outcomes


def _envelope(record: ConsumerRecord) -> CloudEvent:
    try:
        return parse_envelope(record.value or b"")
    except InvalidEvent as exc:
        raise NeedsCarefulPath(str(exc)) from exc


async def _run(
    runner: ConsumerRunner, session: AsyncSession, envelope: CloudEvent, handler: Handler[Any]
) -> None:
    token = event_id_var.set(envelope.id)
    try:
        data = validate_data(envelope, runner.registry)
        await handler(session, ParsedEvent(envelope=envelope, data=data))
    except Exception as exc:
        if is_transient(exc):
            raise
        raise NeedsCarefulPath(repr(exc)) from exc
    finally:
        event_id_var.reset(token)


async def _claim_all(
    consumer: str, session: AsyncSession, envelopes: list[CloudEvent]
) -> set[tuple[str, str]]:
    """Insert all inbox rows at once; returns the (source, id) pairs that were new."""
    if not envelopes:
        return set()
    rows = [
        {"consumer": consumer, "event_source": e.source, "event_id": e.id, "event_type": e.type}
        for e in envelopes
    ]
    stmt = (
        pg_insert(inbox)
        .values(rows)
        .on_conflict_do_nothing()
        .returning(inbox.c.event_source, inbox.c.event_id)
    )
    return {(r[0], r[1]) for r in await session.execute(stmt)}
