"""Holds for the mall saga: place (or reject), settle into mall clearing, release. Idempotent
by order id: the `holds` row is the order's state, its postings are keyed by the order.

Lock order is always the resident's wallet row, then the hold row: one resident's
placements, settlements and releases queue on the wallet and cannot deadlock each other.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.points.holds.models import Hold
from services.points.holds.rules import UNCHANGED, HoldOutcome, refusal
from services.points.ledger import wallets
from services.points.ledger.double_entry import Fact, post
from services.points.ledger.rules import Wallet
from services.points.listing.service import settings_of


async def place(
    session: AsyncSession,
    *,
    order_id: str,
    resident_id: uuid.UUID | None,
    amount: int,
    at: datetime,
    verified_only: bool | None = None,
) -> HoldOutcome:
    """Hold `amount` for the order or record why not; a repeat for the order changes nothing.

    `verified_only=None` applies the policy of the resident's own community.
    """
    wallet = await wallets.lock_wallet(session, resident_id) if resident_id else None
    if verified_only is None and wallet is not None:
        verified_only = (await settings_of(session, wallet.community_id)).verified_only_spend
    reason = refusal(wallet, amount, bool(verified_only))
    community = wallet.community_id if wallet else None
    status = "rejected" if reason else "placed"
    row = {"resident_id": resident_id, "community_id": community, "amount": amount}
    if not await _insert(session, order_id, status=status, reason=reason, **row):
        return UNCHANGED
    if reason is None and wallet is not None:
        await wallets.change_wallet(session, wallet.id, held=amount)
        await post(session, kind="hold", fact=_fact(order_id, at), wallet=wallet, legs=[])
    return HoldOutcome(status, resident_id, community, amount, reason)


async def settle(session: AsyncSession, *, order_id: str, at: datetime) -> HoldOutcome:
    """Spend the held points: resident → mall clearing. Only a placed hold settles."""
    found = await _lock_placed(session, order_id)
    if found is None:
        return UNCHANGED
    amount, wallet = found
    clearing = await wallets.system_account(session, "mall_clearing")
    # held first, then the entries: balance - held never dips below zero in between.
    await wallets.change_wallet(session, wallet.id, held=-amount)
    await post(
        session,
        kind="settle",
        fact=_fact(order_id, at),
        wallet=wallet,
        legs=[(wallet.id, -amount), (clearing, amount)],
    )
    await _mark(session, order_id, "settled")
    return HoldOutcome("settled", wallet.resident_id, wallet.community_id, amount)


async def release(session: AsyncSession, *, order_id: str, at: datetime) -> HoldOutcome:
    """Give the held points back. A release for an order points never saw leaves a released
    row behind, so a placement that arrives late holds nothing for a dead order."""
    found = await _lock_placed(session, order_id)
    if found is None:
        await _insert(session, order_id, status="released", reason=None, amount=0)
        return UNCHANGED
    amount, wallet = found
    await wallets.change_wallet(session, wallet.id, held=-amount)
    await post(session, kind="release", fact=_fact(order_id, at), wallet=wallet, legs=[])
    await _mark(session, order_id, "released")
    return HoldOutcome("released", wallet.resident_id, wallet.community_id, amount)


async def answered(session: AsyncSession, order_id: str) -> HoldOutcome:
    """What points answered for the order, to repeat it: placed or rejected, else unchanged."""
    hold = await session.get(Hold, order_id)
    if hold is None or hold.status not in ("placed", "rejected"):
        return UNCHANGED
    reason = hold.reason if hold.status == "rejected" else None
    return HoldOutcome(
        hold.status,
        hold.resident_id,
        hold.community_id,
        hold.amount,
        reason,  # type: ignore[arg-type]
    )


async def _lock_placed(session: AsyncSession, order_id: str) -> tuple[int, Wallet] | None:
    """The placed hold of the order and its wallet, both locked (wallet first); else None."""
    placed = (Hold.order_id == order_id) & (Hold.status == "placed")
    resident = await session.scalar(select(Hold.resident_id).where(placed))
    if resident is None:
        return None
    wallet = await wallets.lock_wallet(session, resident)
    amount = await session.scalar(select(Hold.amount).where(placed).with_for_update())
    if wallet is None or amount is None:
        return None  # settled or released while we waited for the wallet
    return amount, wallet


async def _insert(
    session: AsyncSession, order_id: str, *, status: str, reason: str | None, **row: object
) -> bool:
    """Write the order's hold row; False when the order already has one."""
    stmt = (
        pg_insert(Hold)
        .values(order_id=order_id, status=status, reason=reason, **row)
        .on_conflict_do_nothing(index_elements=[Hold.order_id])
        .returning(Hold.order_id)
    )
    return (await session.execute(stmt)).first() is not None


async def _mark(session: AsyncSession, order_id: str, status: str) -> None:
    await session.execute(update(Hold).where(Hold.order_id == order_id).values(status=status))


def _fact(order_id: str, at: datetime) -> Fact:
    return Fact(
        source_type="mall_order",
        source_id=order_id,
        actor="mall",
        reason="积分商城兑换",
        occurred_at=at,
    )
