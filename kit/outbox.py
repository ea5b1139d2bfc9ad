"""Writing events into the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid

from sqlalchemy import func, insert, select
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
    # Delivered to listeners only when the transaction commits: wakes the relay at once.
    # Once per transaction is enough (a batch of events would otherwise notify per event).
    transaction = session.get_transaction()
    if session.info.get("kit_outbox_notified") is not transaction:
        await session.execute(select(func.pg_notify(NOTIFY_CHANNEL, "")))
        session.info["kit_outbox_notified"] = transaction
