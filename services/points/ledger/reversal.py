"""Reversing a posting (a mistake is corrected by a new posting, never by an edit), and expiry."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Conflict, NotFound
from services.points.ledger import wallets
from services.points.ledger.double_entry import Fact, post
from services.points.ledger.models import Entry, Posting
from services.points.ledger.rules import Wallet, check_reversible, plan_reversal


async def reverse(
    session: AsyncSession, *, posting_id: uuid.UUID, actor: str, reason: str, at: datetime
) -> uuid.UUID:
    original = await session.get(Posting, posting_id)
    if original is None or original.resident_id is None:
        raise NotFound("记账记录不存在")
    check_reversible(original.kind)
    wallet = await wallets.lock_wallet(session, original.resident_id)
    assert wallet is not None
    legs = (
        await session.execute(
            select(Entry.account_id, Entry.amount).where(Entry.posting_id == posting_id)
        )
    ).all()
    own = sum(amount for account, amount in legs if account == wallet.id)
    counter = next((account for account, _ in legs if account != wallet.id), None)
    plan = plan_reversal(
        own=own, score_delta=original.score_delta, debt_delta=original.debt_delta, wallet=wallet
    )
    fact = Fact(
        source_type="reversal",
        source_id=str(posting_id),
        actor=actor,
        reason=reason,
        occurred_at=at,
        item_code=original.item_code,
    )
    back = plan.wallet_leg
    reversal = await post(
        session,
        kind="reversal",
        fact=fact,
        wallet=wallet,
        legs=[(wallet.id, back), (counter, -back)] if counter else [],
        score_delta=-original.score_delta,
        debt_delta=plan.debt_change,
        reverses_id=posting_id,
    )
    if reversal is None:
        raise Conflict("该记录已冲正", field="posting_id")
    await wallets.change_wallet(
        session, wallet.id, debt=plan.debt_change, earned=plan.earned_change
    )
    return reversal


async def expire(
    session: AsyncSession, *, wallet: Wallet, amount: int, source_id: str, at: datetime
) -> uuid.UUID | None:
    """Points past their date leave the wallet for the expiry account (the score keeps them)."""
    amount = min(amount, wallet.available)
    if amount <= 0:
        return None
    expiry = await wallets.system_account(session, "expiry")
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
