"""The consumer runner's fast path: one bulk inbox claim per batch, handlers without savepoints.

A batch is what one poll returned (kit.consumer: whole partitions, in one transaction). Events
that cannot apply whatever happens (bytes that are no CloudEvent, data that breaks its
contract, a type without a contract) are parked here and now; the rest run in order,
consecutive events of a batchable handler (kit.subscriptions.Batchable) as one call. A handler
failing abandons the fast path: the runner replays the batch event by event with savepoints
(kit.consumer_steps).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiokafka import ConsumerRecord
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import UnknownEventType
from kit import tracing
from kit.consumer_steps import EventOutcome
from kit.events import CloudEvent, InvalidEvent, ParsedEvent, parse_envelope, validate_data
from kit.logging import event_id_var
from kit.subscriptions import BatchHandler, Handler
from kit.transient import is_transient

if TYPE_CHECKING:
    from kit.consumer import ConsumerRunner


class NeedsCarefulPath(Exception):
    """The batch holds something the fast path does not decide; replay it event by event."""


@dataclass(frozen=True, slots=True)
class Claim:
    record: ConsumerRecord
    envelope: CloudEvent
    handler: Handler[Any]
    parsed: ParsedEvent[Any] | None  # None: its data cannot apply, park it
    reason: str = ""


# Arrays bound once per batch: no statement built per row, nothing compiled per batch.
_CLAIM = text(
    """
    INSERT INTO inbox (consumer, event_source, event_id, event_type, outcome)
    SELECT CAST(:consumer AS text), s, i, t, o
    FROM unnest(CAST(:sources AS text[]), CAST(:ids AS text[]), CAST(:types AS text[]),
                CAST(:outcomes AS text[])) AS e(s, i, t, o)
    ON CONFLICT DO NOTHING
    RETURNING event_source, event_id
    """
)


async def apply_batch_fast(
    runner: ConsumerRunner, session: AsyncSession, records: list[ConsumerRecord]
) -> Counter[EventOutcome]:
    outcomes: Counter[EventOutcome] = Counter()
    todo: list[Claim] = []
    seen: set[tuple[str, str]] = set()
    for record in records:
        try:
            envelope = parse_envelope(record.value or b"")
        except InvalidEvent as exc:
            await runner.park(record, str(exc))
            outcomes[EventOutcome.DEAD_LETTERED] += 1
            continue
        handler = runner.handlers.get(envelope.type)
        key = (envelope.source, envelope.id)
        if handler is None or key in seen:
            outcomes[EventOutcome.SKIPPED if handler is None else EventOutcome.DUPLICATE] += 1
            continue
        seen.add(key)
        todo.append(_validated(runner, record, envelope, handler))
    claimed = await _claim_all(runner.name, session, todo)
    ready: list[Claim] = []
    for claim in todo:
        if (claim.envelope.source, claim.envelope.id) not in claimed:
            outcomes[EventOutcome.DUPLICATE] += 1
        elif claim.parsed is None:
            await runner.park(claim.record, claim.reason)
            outcomes[EventOutcome.DEAD_LETTERED] += 1
        else:
            ready.append(claim)
    # Tracing on: a span per event, child of its traceparent, open while the batch is handled.
    with tracing.batch_spans(runner.name, (claim.envelope for claim in ready)):
        await _run_all(session, ready)
    outcomes[EventOutcome.APPLIED] += len(ready)
    return outcomes


def _validated(
    runner: ConsumerRunner, record: ConsumerRecord, envelope: CloudEvent, handler: Handler[Any]
) -> Claim:
    try:
        data = validate_data(envelope, runner.registry)
    except (InvalidEvent, UnknownEventType, ValidationError) as exc:
        return Claim(record, envelope, handler, None, str(exc))
    return Claim(record, envelope, handler, ParsedEvent(envelope=envelope, data=data))


async def _run_all(session: AsyncSession, ready: list[Claim]) -> None:
    """Handlers in order; a run of events sharing a batchable handler goes to it at once."""
    run: list[ParsedEvent[Any]] = []
    run_handler: Handler[Any] | None = None
    for claim in ready:
        assert claim.parsed is not None
        if run and claim.handler is run_handler:
            run.append(claim.parsed)
            continue
        await _flush(session, run_handler, run)
        run, run_handler = [], None
        if getattr(claim.handler, "many", None) is not None:
            run, run_handler = [claim.parsed], claim.handler
        else:
            await _guarded(session, claim.handler, claim.parsed)
    await _flush(session, run_handler, run)


async def _flush(
    session: AsyncSession, handler: Handler[Any] | None, run: list[ParsedEvent[Any]]
) -> None:
    if handler is None or not run:
        return
    many: BatchHandler[Any] = handler.many  # type: ignore[attr-defined]
    try:
        await many(session, run)
    except Exception as exc:
        if is_transient(exc):
            raise
        raise NeedsCarefulPath(repr(exc)) from exc


async def _guarded(session: AsyncSession, handler: Handler[Any], event: ParsedEvent[Any]) -> None:
    token = event_id_var.set(event.envelope.id)
    try:
        with tracing.in_event_span(event.envelope):
            await handler(session, event)
    except Exception as exc:
        if is_transient(exc):
            raise
        raise NeedsCarefulPath(repr(exc)) from exc
    finally:
        event_id_var.reset(token)


async def _claim_all(
    consumer: str, session: AsyncSession, claims: list[Claim]
) -> set[tuple[str, str]]:
    """Insert all inbox rows at once (those to be parked as such); returns the new pairs."""
    if not claims:
        return set()
    params = {
        "consumer": consumer,
        "sources": [c.envelope.source for c in claims],
        "ids": [c.envelope.id for c in claims],
        "types": [c.envelope.type for c in claims],
        "outcomes": [
            EventOutcome.APPLIED.value if c.parsed else EventOutcome.DEAD_LETTERED.value
            for c in claims
        ],
    }
    return {(r[0], r[1]) for r in await session.execute(_CLAIM, params)}
