"""Award and deduct with their events: what every caller (consumers, claims, staff) uses."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.points import PointsAwarded, PointsDeducted, PostingReversed
from services.points import accounts, ledger, reversal
from services.points.accounts import Wallet
from services.points.events import publish
from services.points.ledger import Fact
from services.points.models import Posting

AwardKind = Literal["award", "claim", "adjustment"]


async def award(
    session: AsyncSession,
    *,
    wallet: Wallet,
    amount: int,
    fact: Fact,
    kind: AwardKind = "award",
    capped: int = 0,
) -> uuid.UUID | None:
    """Credit `amount` (> 0) once per fact and publish points.awarded; None if already posted."""
    issuing = await accounts.system_account(session, "issuing", wallet.community_id)
    posting = await ledger.credit(
        session,
        kind=kind,
        fact=fact,
        wallet=wallet,
        issuing=issuing,
        amount=amount,
        capped=capped,
    )
    if posting is not None:
        event = PointsAwarded(
            resident_id=str(wallet.resident_id),
            community_id=str(wallet.community_id),
            posting_id=str(posting),
            item_code=fact.item_code,
            source_type=fact.source_type,
            source_id=fact.source_id,
            posted_at=fact.occurred_at,
            points=amount,
            capped=capped,
            kind=kind,
        )
        await publish(session, event, subject=str(wallet.resident_id))
    return posting


async def deduct(
    session: AsyncSession, *, wallet: Wallet, penalty: int, fact: Fact
) -> uuid.UUID | None:
    """Count `penalty` (> 0) against the score; publish points.deducted with the new debt."""
    issuing = await accounts.system_account(session, "issuing", wallet.community_id)
    posting = await ledger.debit(
        session, fact=fact, wallet=wallet, issuing=issuing, penalty=penalty
    )
    if posting is not None:
        debt = penalty - min(penalty, max(wallet.available, 0))
        event = PointsDeducted(
            resident_id=str(wallet.resident_id),
            community_id=str(wallet.community_id),
            posting_id=str(posting),
            item_code=fact.item_code,
            source_type=fact.source_type,
            source_id=fact.source_id,
            posted_at=fact.occurred_at,
            points=penalty,
            debt=debt,
        )
        await publish(session, event, subject=str(wallet.resident_id))
    return posting


async def reverse(
    session: AsyncSession, *, posting_id: uuid.UUID, actor: str, reason: str, fact_time: datetime
) -> uuid.UUID:
    new_id = await reversal.reverse(
        session, posting_id=posting_id, actor=actor, reason=reason, at=fact_time
    )
    original = await session.get(Posting, posting_id)
    assert original is not None and original.resident_id and original.community_id
    event = PostingReversed(
        resident_id=str(original.resident_id),
        community_id=str(original.community_id),
        posting_id=str(new_id),
        item_code=original.item_code,
        source_type="reversal",
        source_id=str(posting_id),
        posted_at=fact_time,
        reversed_posting_id=str(posting_id),
        reason=reason,
    )
    await publish(session, event, subject=str(original.resident_id))
    return new_id
