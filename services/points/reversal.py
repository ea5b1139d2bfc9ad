"""Reversing a posting (a mistake is corrected by a new posting, never by an edit), and expiry."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Conflict, NotFound
from services.points import accounts
from services.points.accounts import Wallet
from services.points.ledger import Fact, post
from services.points.models import Entry, Posting

REVERSIBLE = ("award", "deduction", "claim", "adjustment")


async def reverse(
    session: AsyncSession, *, posting_id: uuid.UUID, actor: str, reason: str, at: datetime
) -> uuid.UUID:
    original = await session.get(Posting, posting_id)
    if original is None or original.resident_id is None:
        raise NotFound("记账记录不存在")
    if original.kind not in REVERSIBLE:
        raise Conflict(f"{original.kind} 记录不能冲正", field="posting_id")
    wallet = await accounts.lock_wallet(session, original.resident_id)
    assert wallet is not None
    legs = (
        await session.execute(
            select(Entry.account_id, Entry.amount).where(Entry.posting_id == posting_id)
        )
    ).all()
    own = sum(amount for account, amount in legs if account == wallet.id)
    counter = next((account for account, _ in legs if account != wallet.id), None)
    back, shortfall = _take_back(own, wallet)
    debt_change = max(-wallet.debt, -original.debt_delta) + shortfall
    fact = Fact(
        source_type="reversal",
        source_id=str(posting_id),
        actor=actor,
        reason=reason,
        occurred_at=at,
        item_code=original.item_code,
    )
    legs_out = [(wallet.id, back), (counter, -back)] if counter else []
    reversal = await post(
        session,
        kind="reversal",
        fact=fact,
        wallet=wallet,
        legs=legs_out,
        score_delta=-original.score_delta,
        debt_delta=debt_change,
        reverses_id=posting_id,
    )
    if reversal is None:
        raise Conflict("该记录已冲正", field="posting_id")
    earned = -original.score_delta if original.score_delta > 0 else 0
    await accounts.change_wallet(session, wallet.id, debt=debt_change, earned=earned)
    return reversal


def _take_back(own: int, wallet: Wallet) -> tuple[int, int]:
    """The wallet leg of the reversal and what it could not take (which becomes debt)."""
    if own <= 0:
        return -own, 0  # a deduction's taken points go back
    taken = min(own, wallet.available)
    return -taken, own - taken


async def expire(
    session: AsyncSession, *, wallet: Wallet, amount: int, source_id: str, at: datetime
) -> uuid.UUID | None:
    """Points past their date leave the wallet for the expiry account (the score keeps them)."""
    amount = min(amount, wallet.available)
    if amount <= 0:
        return None
    expiry = await accounts.system_account(session, "expiry")
    fact = Fact(
        source_type="expiry", source_id=source_id, actor="system", reason="积分到期", occurred_at=at
    )
    return await post(
        session,
        kind="expiry",
        fact=fact,
        wallet=wallet,
        legs=[(wallet.id, -amount), (expiry, amount)],
    )
