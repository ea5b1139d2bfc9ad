"""Writing events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import REGISTRY, Registry
from kit.events import CloudEvent, to_json, validate_data
from kit.tables import outbox

NOTIFY_CHANNEL = "kit_outbox"


async def add_event(
    session: AsyncSession, event: CloudEvent, registry: Registry = REGISTRY
) -> None:
    """Stage `event` for publishing; it reaches Kafka only if the caller's transaction commits.

    The data is validated against its contract here, so nothing invalid is ever published.
    """
    validate_data(event, registry)
    contract = registry.model_for(event.type)
    await session.execute(
        insert(outbox).values(
            id=uuid.UUID(event.id),
            aggregatetype=contract.aggregate_type,
            aggregateid=event.subject or event.id,
            type=event.type,
            payload=to_json(event),
            topic=contract.topic,
        )
    )
    await _notify_once(session)


# One statement for a batch: arrays bound once (asyncpg encodes them natively), no per-row SQL.
_INSERT_MANY = text(
    """
    INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, topic)
    SELECT id, agg, aid, typ, payload::jsonb, topic
    FROM unnest(CAST(:ids AS uuid[]), CAST(:aggs AS text[]), CAST(:aids AS text[]),
                CAST(:types AS text[]), CAST(:payloads AS text[]), CAST(:topics AS text[]))
         AS e(id, agg, aid, typ, payload, topic)
    """
)


async def add_events(
    session: AsyncSession, events: Sequence[CloudEvent], registry: Registry = REGISTRY
) -> None:
    """`add_event` for many events in one statement (each validated against its contract)."""
    if not events:
        return
    rows: dict[str, list[object]] = {
        k: [] for k in ("ids", "aggs", "aids", "types", "payloads", "topics")
    }
    for event in events:
        validate_data(event, registry)
        contract = registry.model_for(event.type)
        rows["ids"].append(uuid.UUID(event.id))
        rows["aggs"].append(contract.aggregate_type)
        rows["aids"].append(event.subject or event.id)
        rows["types"].append(event.type)
        rows["payloads"].append(event.model_dump_json(exclude_none=True))
        rows["topics"].append(contract.topic)
    await session.execute(_INSERT_MANY, rows)
    await _notify_once(session)


async def _notify_once(session: AsyncSession) -> None:
    # Delivered to listeners only when the transaction commits: wakes the relay at once.
    # Once per transaction is enough (a batch of events would otherwise notify per event).
    transaction = session.get_transaction()
    if session.info.get("kit_outbox_notified") is not transaction:
        await session.execute(select(func.pg_notify(NOTIFY_CHANNEL, "")))
        session.info["kit_outbox_notified"] = transaction
