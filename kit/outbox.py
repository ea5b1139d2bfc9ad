"""Writing events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic_core import to_json
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import REGISTRY, EventData, Registry
from kit.events import CloudEvent, validate_data
from kit.events import to_json as envelope_json
from kit.tables import outbox
from kit.tracing import current_traceparent

NOTIFY_CHANNEL = "kit_outbox"

# An event to stage: its data and subject, and optionally the traceparent it continues (a batch
# handler staging on behalf of several consumed events: kit.tracing.event_traceparent).
Staged = tuple[EventData, str] | tuple[EventData, str, str | None]


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
            payload=envelope_json(event),
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


async def add_data(
    session: AsyncSession,
    items: Sequence[Staged],
    *,
    source: str,
    registry: Registry = REGISTRY,
) -> None:
    """Stage events built from contract models (each with its subject) in one statement.

    A contract model instance was validated when it was built, so its envelope is written
    straight to JSON (the same JSON `add_event` stores) without validating it again; a model
    that is not the registry's model for its type name is refused. An item without a
    traceparent continues the current span's trace (tracing on) or starts a fresh one.
    """
    rows = _Rows()
    for item in items:
        data, subject = item[0], item[1]
        trace = item[2] if len(item) > 2 else None
        if registry.model_for(data.event_type) is not type(data):
            raise TypeError(f"{type(data).__name__} is not the registered model of its type")
        event_id = str(uuid.uuid4())
        envelope = {
            "specversion": "1.0",
            "id": event_id,
            "source": source,
            "type": data.event_type,
            "subject": subject,
            "time": datetime.now(UTC),
            "datacontenttype": "application/json",
            "data": data,
            "traceparent": trace or current_traceparent(),
        }
        rows.add(registry, event_id, data.event_type, subject, to_json(envelope).decode())
    await rows.insert(session)


class _Rows:
    """Outbox rows as columns, for `_INSERT_MANY`."""

    def __init__(self) -> None:
        self.columns: dict[str, list[object]] = {
            k: [] for k in ("ids", "aggs", "aids", "types", "payloads", "topics")
        }

    def add(
        self, registry: Registry, event_id: str, type_: str, subject: str | None, payload: str
    ) -> None:
        contract = registry.model_for(type_)
        self.columns["ids"].append(uuid.UUID(event_id))
        self.columns["aggs"].append(contract.aggregate_type)
        self.columns["aids"].append(subject or event_id)
        self.columns["types"].append(type_)
        self.columns["payloads"].append(payload)
        self.columns["topics"].append(contract.topic)

    async def insert(self, session: AsyncSession) -> None:
        if self.columns["ids"]:
            await session.execute(_INSERT_MANY, self.columns)
            await _notify_once(session)


async def _notify_once(session: AsyncSession) -> None:
    # Delivered to listeners only when the transaction commits: wakes the relay at once.
    # Once per transaction is enough (a batch of events would otherwise notify per event).
    transaction = session.get_transaction()
    if session.info.get("kit_outbox_notified") is not transaction:
        await session.execute(select(func.pg_notify(NOTIFY_CHANNEL, "")))
        session.info["kit_outbox_notified"] = transaction
