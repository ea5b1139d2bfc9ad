"""Reading accounts: a resident's wallet, their household, their postings (keyset pages)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import NotFound
from kit.pagination import decode_cursor, keyset_page
from services.points.accounts.schemas import (
    AccountOut,
    HouseholdOut,
    PostingPage,
    WalletPostingOut,
)
from services.points.ledger.models import Account, Entry, Posting, Score
from services.points.ledger.schemas import PostingOut


async def account_of(session: AsyncSession, resident_id: uuid.UUID) -> Account:
    account = await session.scalar(select(Account).where(Account.resident_id == resident_id))
    if account is None:
        raise NotFound("积分账户不存在")
    return account


async def account_out(session: AsyncSession, account: Account) -> AccountOut:
    household = None
    if account.household_id is not None:
        balance = await session.scalar(
            select(func.coalesce(func.sum(Account.balance), 0)).where(
                Account.household_id == account.household_id
            )
        )
        score = await session.scalar(
            select(Score.score).where(
                Score.subject_kind == "household",
                Score.subject_id == account.household_id,
                Score.period == "all",
            )
        )
        household = HouseholdOut(
            id=account.household_id, balance=int(balance or 0), score=int(score or 0)
        )
    assert account.resident_id is not None
    return AccountOut(
        resident_id=account.resident_id,
        community_id=account.community_id,
        balance=account.balance,
        held=account.held,
        available=account.balance - account.held,
        debt=account.debt,
        lifetime_earned=account.lifetime_earned,
        household=household,
    )


async def postings_page(
    session: AsyncSession, resident_id: uuid.UUID, cursor: str | None, limit: int
) -> PostingPage:
    """Newest first; the cursor is the last row's (created_at, id)."""
    query = select(Posting).where(Posting.resident_id == resident_id)
    if cursor:
        query = query.where(tuple_(Posting.created_at, Posting.id) < decode_cursor(cursor))
    rows = list(
        await session.scalars(
            query.order_by(Posting.created_at.desc(), Posting.id.desc()).limit(limit + 1)
        )
    )
    items, next_cursor = keyset_page(rows, limit, lambda p: (p.created_at, p.id))
    moved = await _moved(session, resident_id, [p.id for p in items])
    return PostingPage(
        items=[
            WalletPostingOut(**PostingOut.model_validate(p).model_dump(), amount=moved.get(p.id, 0))
            for p in items
        ],
        next_cursor=next_cursor,
    )


async def _moved(
    session: AsyncSession, resident_id: uuid.UUID, posting_ids: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """What each posting moved in the resident's own wallet."""
    if not posting_ids:
        return {}
    rows = await session.execute(
        select(Entry.posting_id, func.sum(Entry.amount))
        .join(Account, Account.id == Entry.account_id)
        .where(Account.resident_id == resident_id, Entry.posting_id.in_(posting_ids))
        .group_by(Entry.posting_id)
    )
    return {posting: int(total) for posting, total in rows}
