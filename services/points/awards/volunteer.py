"""Volunteer activity completed → an award by the community's list, capped, posted once.

A push for a phone not registered yet is parked and posted at registration; an activity type
the list does not know is parked for staff. Nothing is dropped.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.volunteer import ActivityCompleted
from kit import tracing
from kit.errors import PermanentEventError
from kit.events import CloudEvent, ParsedEvent
from services.points.awards.batch import AwardRequest, apply_awards
from services.points.awards.models import PendingAward, UnmatchedActivity
from services.points.awards.service import observe_latency, post_item
from services.points.ledger import wallets
from services.points.ledger.double_entry import Fact
from services.points.ledger.rules import Wallet
from services.points.listing import service as listing
from services.points.listing.rules import Item, find_item, items_of, points_for

PENDING_RETENTION = timedelta(days=180)


async def on_activity_completed(
    session: AsyncSession, event: ParsedEvent[ActivityCompleted]
) -> None:
    data = event.data
    wallet = await find_wallet(session, data)
    if wallet is None:
        await _park_pending(session, event.envelope, _pending_key(data))
        return
    posting = await apply_activity(
        session, envelope=event.envelope, data=data, wallet=wallet, item=None
    )
    observe_latency(session, event.envelope, posting)


async def on_completed_batch(
    session: AsyncSession, events: Sequence[ParsedEvent[ActivityCompleted]]
) -> None:
    """A run of pushes at once, posting exactly what `on_activity_completed` would in turn."""
    requests = [_request(event.envelope, event.data) for event in events]
    await apply_awards(session, requests, pending_retention=PENDING_RETENTION)


def _request(envelope: CloudEvent, data: ActivityCompleted) -> AwardRequest:
    return AwardRequest(
        envelope=envelope,
        resident_id=_resident(data),
        phone_hash=data.volunteer.phone_hash,
        community_hint=data.community_id,
        source="volunteer",
        activity_type=data.activity.type,
        hours=data.hours,
        at=data.completed_at,
        source_type="volunteer",
        actor="volunteer-platform",
        reason=data.activity.title,
        per_resident_source=True,
        pending_key=_pending_key(data),
        park_unmatched=True,
    )


async def apply_activity(
    session: AsyncSession,
    *,
    envelope: CloudEvent,
    data: ActivityCompleted,
    wallet: Wallet,
    item: Item | None,
) -> uuid.UUID | None:
    """Post the activity's points (item given: staff mapped an unmatched type to it)."""
    community = _community(data, wallet)
    if item is None:
        version = await listing.in_force(session, community_id=community, at=data.completed_at)
        item = find_item(items_of(version), "volunteer", data.activity.type)
    if item is None:
        await _park_unmatched(session, envelope, data, community)
        return None
    fact = Fact(
        source_type="volunteer",
        source_id=f"{envelope.id}:{wallet.resident_id}",
        actor="volunteer-platform",
        reason=data.activity.title,
        occurred_at=data.completed_at,
        item_code=item.code,
    )
    amount = points_for(item, data.hours)
    return await post_item(session, wallet=wallet, item=item, amount=amount, fact=fact)


def _community(data: ActivityCompleted, wallet: Wallet) -> uuid.UUID:
    """The push's community when given by id; otherwise (a code only) the resident's own."""
    if data.community_id:
        try:
            return uuid.UUID(data.community_id)
        except ValueError:
            raise PermanentEventError(f"community_id {data.community_id!r} is not an id") from None
    return wallet.community_id


async def find_wallet(session: AsyncSession, data: ActivityCompleted) -> Wallet | None:
    resident = _resident(data)
    if resident is not None:
        return await wallets.lock_wallet(session, resident)
    assert data.volunteer.phone_hash is not None
    return await wallets.lock_wallet_by_phone_hash(session, data.volunteer.phone_hash)


def _resident(data: ActivityCompleted) -> uuid.UUID | None:
    if not data.volunteer.resident_id:
        return None
    try:
        return uuid.UUID(data.volunteer.resident_id)
    except ValueError:
        raise PermanentEventError("volunteer.resident_id is not an id") from None


def _pending_key(data: ActivityCompleted) -> str:
    return data.volunteer.phone_hash or f"r:{data.volunteer.resident_id}"


async def _park_pending(session: AsyncSession, envelope: CloudEvent, key: str) -> None:
    received = envelope.time
    await session.execute(
        pg_insert(PendingAward)
        .values(
            event_id=envelope.id,
            phone_hash=key,
            envelope=envelope.model_dump(mode="json"),
            received_at=received,
            expires_at=received + PENDING_RETENTION,
        )
        .on_conflict_do_nothing()
    )


async def _park_unmatched(
    session: AsyncSession, envelope: CloudEvent, data: ActivityCompleted, community: uuid.UUID
) -> None:
    await session.execute(
        pg_insert(UnmatchedActivity)
        .values(
            id=uuid.uuid4(),
            event_id=envelope.id,
            community_id=community,
            activity_type=data.activity.type,
            envelope=envelope.model_dump(mode="json"),
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
    )


async def settle_pending(
    session: AsyncSession, *, keys: list[str], wallet: Wallet, at: datetime
) -> int:
    """At registration: post the person's parked pushes still within the retention window."""
    rows = list(
        await session.scalars(
            select(PendingAward)
            .where(
                PendingAward.phone_hash.in_(keys),
                PendingAward.settled_at.is_(None),
                PendingAward.expires_at > at,
            )
            .order_by(PendingAward.received_at)
            .with_for_update(skip_locked=True)
        )
    )
    for row in rows:
        envelope = CloudEvent.model_validate(row.envelope)
        data = ActivityCompleted.model_validate(envelope.data)
        # Posted now, in the trace of the push that was parked, not of the registration.
        with tracing.consuming(envelope, "points"):
            await apply_activity(session, envelope=envelope, data=data, wallet=wallet, item=None)
        row.settled_at = at
    return len(rows)
