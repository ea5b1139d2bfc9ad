"""Award, deduct, reverse and adjust with their events: what every caller (consumers, claims,
staff) uses. Callers commit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.points import PointsAwarded, PointsDeducted, PostingReversed
from kit.deps import StaffScope
from kit.errors import NotFound
from services.points.events import publish
from services.points.ledger import double_entry, reversal, wallets
from services.points.ledger.double_entry import Fact
from services.points.ledger.models import Account, Posting
from services.points.ledger.rules import Wallet
from services.points.listing.service import item_in_force

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
    issuing = await wallets.system_account(session, "issuing", wallet.community_id)
    posting = await double_entry.credit(
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
    issuing = await wallets.system_account(session, "issuing", wallet.community_id)
    posting = await double_entry.debit(
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


ACCOUNT_MISSING = "积分账户不存在"
POSTING_MISSING = "记账记录不存在"


async def account_in_scope(
    session: AsyncSession, *, staff: StaffScope, resident_id: uuid.UUID, outside: str
) -> Account:
    """The resident's account if the staff member's units cover it; 404 `outside` if not."""
    account = await session.scalar(select(Account).where(Account.resident_id == resident_id))
    if account is None:
        raise NotFound(ACCOUNT_MISSING)
    if account.community_path is None or not staff.covers(account.community_path):
        raise NotFound(outside)
    return account


async def adjust(
    *,
    session: AsyncSession,
    staff: StaffScope,
    resident_id: uuid.UUID,
    amount: int,
    item_code: str,
    reason: str,
    now: datetime,
) -> uuid.UUID:
    """Staff award (amount > 0) or deduct (< 0) by an item of the list in force; the posting.

    Not capped: an adjustment is a staff correction with a written reason (often making good
    a wrong reversal or a missed award), and the list's caps bound automatic earnings.
    """
    account = await account_in_scope(
        session, staff=staff, resident_id=resident_id, outside=ACCOUNT_MISSING
    )
    assert account.community_id is not None
    item = await item_in_force(
        session, community_id=account.community_id, code=item_code, at=now, field="item_code"
    )
    wallet = await wallets.lock_wallet(session, resident_id)
    assert wallet is not None
    fact = Fact(
        source_type="staff",
        source_id=uuid.uuid4().hex,
        actor=staff.principal.sub,
        reason=reason,
        occurred_at=now,
        item_code=item.code,
    )
    if amount > 0:
        posted = await award(session, wallet=wallet, amount=amount, fact=fact, kind="adjustment")
    else:
        posted = await deduct(session, wallet=wallet, penalty=-amount, fact=fact)
    assert posted is not None  # the fact's source id is new: it always posts
    return posted


async def reverse_for_staff(
    *, session: AsyncSession, staff: StaffScope, posting_id: uuid.UUID, reason: str, now: datetime
) -> uuid.UUID:
    """Reverse a posting of a resident in the staff member's units (404 otherwise)."""
    original = await session.get(Posting, posting_id)
    if original is None or original.resident_id is None:
        raise NotFound(POSTING_MISSING)
    await account_in_scope(
        session, staff=staff, resident_id=original.resident_id, outside=POSTING_MISSING
    )
    return await reverse(
        session, posting_id=posting_id, actor=staff.principal.sub, reason=reason, fact_time=now
    )


async def get_posting(session: AsyncSession, posting_id: uuid.UUID) -> Posting:
    posting = await session.get(Posting, posting_id)
    if posting is None:
        raise NotFound(POSTING_MISSING)
    return posting
