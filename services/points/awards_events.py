"""Awards from other services' facts: community activities attended, suggestions adopted."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.notices import ActivityAttended
from contracts.petitions import PetitionAdopted
from kit.errors import PermanentEventError
from kit.events import ParsedEvent
from services.points import accounts, rules
from services.points.ledger import Fact
from services.points.postings import award, deduct


async def on_activity_attended(session: AsyncSession, event: ParsedEvent[ActivityAttended]) -> None:
    data = event.data
    await award_by_trigger(
        session,
        resident_id=data.resident_id,
        source="activity",
        kind=data.activity_type,
        hours=data.hours,
        at=data.attended_at,
        source_type="activity",
        source_id=event.envelope.id,
        reason="参加社区活动",
    )


async def on_petition_adopted(session: AsyncSession, event: ParsedEvent[PetitionAdopted]) -> None:
    data = event.data
    await award_by_trigger(
        session,
        resident_id=data.resident_id,
        source="petition_adopted",
        kind=None,
        hours=None,
        at=data.adopted_at,
        source_type="petition",
        source_id=event.envelope.id,
        reason="建议被采纳",
    )


async def award_by_trigger(
    session: AsyncSession,
    *,
    resident_id: str,
    source: rules.Source,
    kind: str | None,
    hours: float | None,
    at: datetime,
    source_type: str,
    source_id: str,
    reason: str,
) -> uuid.UUID | None:
    """The item of the resident's list whose trigger matches, posted once per source event.
    No matching item: the community does not reward this fact (nothing to post)."""
    wallet = await accounts.lock_wallet(session, _id(resident_id))
    if wallet is None:
        # Parked in the dead-letter topic with the reason, to be replayed once identity caught up.
        raise PermanentEventError(f"no points account for resident {resident_id}")
    version = await rules.in_force(session, community_id=wallet.community_id, at=at)
    item = rules.find_item(rules.items_of(version), source, kind)
    if item is None:
        return None
    amount = rules.points_for(item, hours)
    fact = Fact(
        source_type=source_type,
        source_id=source_id,
        actor="system",
        reason=reason,
        occurred_at=at,
        item_code=item.code,
    )
    if amount < 0:
        return await deduct(session, wallet=wallet, penalty=-amount, fact=fact)
    return await award(session, wallet=wallet, amount=amount, fact=fact)


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise PermanentEventError(f"resident id {value!r} is not an id") from None
