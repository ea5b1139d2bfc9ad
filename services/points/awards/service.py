"""Awarding a points-list item, capped, and the awards for other services' facts: community
activities attended (notices) and suggestions adopted (petitions).

Every path that credits an item's points goes through `capped_award`: volunteer pushes,
activities attended, adopted suggestions, the welcome award and vested claims. Staff
adjustments do not (ledger/service.py says why).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.notices import ActivityAttended
from contracts.petitions import PetitionAdopted
from kit import metrics
from kit.errors import PermanentEventError
from kit.events import CloudEvent, ParsedEvent
from services.points.awards.batch import AwardRequest, apply_awards
from services.points.awards.rules import CapPeriod, active_caps, allowed_under_caps, cap_windows
from services.points.ledger import wallets
from services.points.ledger.double_entry import Fact
from services.points.ledger.models import Posting
from services.points.ledger.rules import Wallet
from services.points.ledger.service import AwardKind, award, deduct
from services.points.listing import service as listing
from services.points.listing.rules import Item, Source, find_item, items_of, points_for

# Postings that count towards an item's caps: earnings, and reversals that take them back.
# Staff adjustments do not count (they are not capped either).
COUNTED = ("award", "claim", "reversal")


@dataclass(frozen=True)
class CappedAward:
    posting_id: uuid.UUID | None  # None: this fact was already posted
    points: int  # credited
    capped: int  # over a cap, not credited


async def capped_award(
    session: AsyncSession,
    *,
    wallet: Wallet,
    item: Item,
    amount: int,
    fact: Fact,
    kind: AwardKind = "award",
) -> CappedAward:
    """Credit what of `amount` (> 0) fits under the item's caps in the fact's local day, month
    and year. The caller holds the wallet's row lock, so one resident's awards count in turn."""
    used = await used_in_windows(
        session, resident=wallet.resident_id, item=item, at=fact.occurred_at
    )
    allowed = allowed_under_caps(amount, item.caps, used)
    posted = await award(
        session, wallet=wallet, amount=allowed, fact=fact, kind=kind, capped=amount - allowed
    )
    return CappedAward(posted, allowed, amount - allowed)


async def post_item(
    session: AsyncSession, *, wallet: Wallet, item: Item, amount: int, fact: Fact
) -> uuid.UUID | None:
    """An item's points for a fact: a negative item deducts (uncapped), a positive one awards
    under its caps."""
    if amount < 0:
        return await deduct(session, wallet=wallet, penalty=-amount, fact=fact)
    return (
        await capped_award(session, wallet=wallet, item=item, amount=amount, fact=fact)
    ).posting_id


async def used_in_windows(
    session: AsyncSession, *, resident: uuid.UUID, item: Item, at: datetime
) -> dict[CapPeriod, int]:
    """What the resident has already earned from the item in each capped window of `at`."""
    windows = cap_windows(at)
    return {
        period: await _earned_since(session, resident, item.code, windows[period])
        for period in active_caps(item.caps)
    }


async def _earned_since(
    session: AsyncSession, resident: uuid.UUID, code: str, start: datetime
) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(Posting.score_delta), 0)).where(
            Posting.resident_id == resident,
            Posting.item_code == code,
            Posting.kind.in_(COUNTED),
            Posting.occurred_at >= start,
        )
    )
    return int(total or 0)


def observe_latency(session: AsyncSession, envelope: CloudEvent, posting: uuid.UUID | None) -> None:
    """An award posted for an event: its latency is observed once the transaction commits."""
    if posting is not None:
        metrics.observe_after_commit(session, metrics.AWARD_LATENCY, [envelope.time])


async def on_activity_attended(session: AsyncSession, event: ParsedEvent[ActivityAttended]) -> None:
    data = event.data
    posting = await award_by_trigger(
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
    observe_latency(session, event.envelope, posting)


async def on_petition_adopted(session: AsyncSession, event: ParsedEvent[PetitionAdopted]) -> None:
    data = event.data
    posting = await award_by_trigger(
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
    observe_latency(session, event.envelope, posting)


async def award_by_trigger(
    session: AsyncSession,
    *,
    resident_id: str,
    source: Source,
    kind: str | None,
    hours: float | None,
    at: datetime,
    source_type: str,
    source_id: str,
    reason: str,
) -> uuid.UUID | None:
    """The item of the resident's list whose trigger matches, posted once per source event.
    No matching item: the community does not reward this fact (nothing to post)."""
    wallet = await wallets.lock_wallet(session, _id(resident_id))
    if wallet is None:
        # Parked in the dead-letter topic with the reason, to be replayed once identity caught up.
        raise PermanentEventError(f"no points account for resident {resident_id}")
    version = await listing.in_force(session, community_id=wallet.community_id, at=at)
    item = find_item(items_of(version), source, kind)
    if item is None:
        return None
    fact = Fact(
        source_type=source_type,
        source_id=source_id,
        actor="system",
        reason=reason,
        occurred_at=at,
        item_code=item.code,
    )
    return await post_item(
        session, wallet=wallet, item=item, amount=points_for(item, hours), fact=fact
    )


async def on_attended_batch(
    session: AsyncSession, events: Sequence[ParsedEvent[ActivityAttended]]
) -> None:
    """A run of attendances at once, posting exactly what `on_activity_attended` would."""
    requests = [
        _by_trigger(
            e.envelope,
            e.data.resident_id,
            "activity",
            e.data.activity_type,
            e.data.hours,
            e.data.attended_at,
            "activity",
            "参加社区活动",
        )
        for e in events
    ]
    await apply_awards(session, requests, pending_retention=timedelta(0))


async def on_adopted_batch(
    session: AsyncSession, events: Sequence[ParsedEvent[PetitionAdopted]]
) -> None:
    """A run of adopted suggestions at once, posting exactly what `on_petition_adopted` would."""
    requests = [
        _by_trigger(
            e.envelope,
            e.data.resident_id,
            "petition_adopted",
            None,
            None,
            e.data.adopted_at,
            "petition",
            "建议被采纳",
        )
        for e in events
    ]
    await apply_awards(session, requests, pending_retention=timedelta(0))


def _by_trigger(
    envelope: CloudEvent,
    resident_id: str,
    source: Source,
    kind: str | None,
    hours: float | None,
    at: datetime,
    source_type: str,
    reason: str,
) -> AwardRequest:
    return AwardRequest(
        envelope=envelope,
        resident_id=_id(resident_id),
        phone_hash=None,
        community_hint=None,
        source=source,
        activity_type=kind,
        hours=hours,
        at=at,
        source_type=source_type,
        actor="system",
        reason=reason,
    )


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise PermanentEventError(f"resident id {value!r} is not an id") from None
