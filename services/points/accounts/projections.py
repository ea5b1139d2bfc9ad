"""What points learns from identity's events: accounts, verification, households, moves."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.identity import (
    HouseholdMemberJoined,
    HouseholdMemberLeft,
    ResidentMoved,
    ResidentRegistered,
    ResidentVerificationRevoked,
    ResidentVerified,
)
from kit.events import ParsedEvent
from services.points.awards import volunteer
from services.points.awards.service import capped_award
from services.points.ledger import wallets
from services.points.ledger.double_entry import Fact
from services.points.ledger.models import Account
from services.points.listing import service as listing
from services.points.listing.rules import find_item, items_of


async def on_registered(session: AsyncSession, event: ParsedEvent[ResidentRegistered]) -> None:
    """Open the account, post the welcome award if the list has one, vest parked awards."""
    data = event.data
    resident, community = uuid.UUID(data.resident_id), uuid.UUID(data.community_id)
    await listing.remember_community(session, community, data.community_path)
    opened = await wallets.open_resident(
        session,
        resident_id=resident,
        community_id=community,
        community_path=data.community_path,
        name=data.name,
        phone_hash=data.phone_hash,
    )
    if not opened:
        return
    await _welcome(session, resident, community, data, event.envelope.id)
    wallet = await wallets.lock_wallet(session, resident)
    assert wallet is not None
    keys = [data.phone_hash, f"r:{resident}"]
    await volunteer.settle_pending(session, keys=keys, wallet=wallet, at=data.registered_at)


async def _welcome(
    session: AsyncSession,
    resident: uuid.UUID,
    community: uuid.UUID,
    data: ResidentRegistered,
    event_id: str,
) -> None:
    version = await listing.in_force(session, community_id=community, at=data.registered_at)
    item = find_item(items_of(version), "registration", None)
    wallet = await wallets.lock_wallet(session, resident)
    if item is None or item.points <= 0 or wallet is None:
        return
    fact = Fact(
        source_type="registration",
        source_id=event_id,
        actor="system",
        reason=item.name,
        occurred_at=data.registered_at,
        item_code=item.code,
    )
    # Capped like every item award; an account opens once, so only a cap below the item's
    # points can bite (the community then meant the lower figure).
    await capped_award(session, wallet=wallet, item=item, amount=item.points, fact=fact)


async def on_verified(session: AsyncSession, event: ParsedEvent[ResidentVerified]) -> None:
    data = event.data
    await _set(session, data.resident_id, verified=True, name=data.name)


async def on_verification_revoked(
    session: AsyncSession, event: ParsedEvent[ResidentVerificationRevoked]
) -> None:
    """A resident who moved themselves is unverified until their new community verifies them:
    no spending (holds) and no objections as a verified member until the next resident.verified."""
    await _set(session, event.data.resident_id, verified=False)


async def on_moved(session: AsyncSession, event: ParsedEvent[ResidentMoved]) -> None:
    data = event.data
    community = uuid.UUID(data.to_community_id)
    await listing.remember_community(session, community, data.to_community_path)
    await _set(
        session, data.resident_id, community_id=community, community_path=data.to_community_path
    )


async def on_joined(session: AsyncSession, event: ParsedEvent[HouseholdMemberJoined]) -> None:
    data = event.data
    await _set(session, data.resident_id, household_id=uuid.UUID(data.household_id))


async def on_left(session: AsyncSession, event: ParsedEvent[HouseholdMemberLeft]) -> None:
    data = event.data
    await session.execute(
        update(Account)
        .where(
            Account.resident_id == uuid.UUID(data.resident_id),
            Account.household_id == uuid.UUID(data.household_id),
        )
        .values(household_id=None)
    )


async def _set(session: AsyncSession, resident_id: str, **values: object) -> None:
    await session.execute(
        update(Account).where(Account.resident_id == uuid.UUID(resident_id)).values(**values)
    )
