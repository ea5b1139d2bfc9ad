"""Holds for the mall saga: place (or reject), settle into mall clearing, release. Idempotent
by order id: the `holds` row is the order's state, its postings are keyed by the order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.points import accounts
from services.points.ledger import Fact, post
from services.points.models_flow import Hold


@dataclass(frozen=True)
class HoldOutcome:
    status: str  # placed | rejected | settled | released | unchanged
    resident_id: uuid.UUID | None
    community_id: uuid.UUID | None
    amount: int
    reason: str | None = None


def refusal(wallet: accounts.Wallet | None, amount: int, verified_only: bool) -> str | None:
    """Why a hold cannot be placed, or None when it can."""
    if wallet is None:
        return "unknown_resident"
    if verified_only and not wallet.verified:
        return "unverified"
    if wallet.available < amount:
        return "insufficient"
    return None


async def place(
    session: AsyncSession,
    *,
    order_id: str,
    resident_id: uuid.UUID,
    amount: int,
    verified_only: bool,
    at: datetime,
) -> HoldOutcome:
    existing = await session.get(Hold, order_id)
    if existing is not None:
        return HoldOutcome(
            "unchanged", existing.resident_id, existing.community_id, existing.amount
        )
    wallet = await accounts.lock_wallet(session, resident_id)
    reason = refusal(wallet, amount, verified_only)
    community = wallet.community_id if wallet else None
    status = "rejected" if reason else "placed"
    await session.execute(
        pg_insert(Hold).values(
            order_id=order_id,
            resident_id=resident_id,
            community_id=community,
            amount=amount,
            status=status,
            reason=reason,
        )
    )
    if reason is None and wallet is not None:
        await accounts.change_wallet(session, wallet.id, held=amount)
        await post(session, kind="hold", fact=_fact(order_id, at), wallet=wallet, legs=[])
    return HoldOutcome(status, resident_id, community, amount, reason)


async def settle(session: AsyncSession, *, order_id: str, at: datetime) -> HoldOutcome:
    """Spend the held points: resident → mall clearing."""
    hold, wallet = await _placed(session, order_id)
    if hold is None or wallet is None:
        return HoldOutcome("unchanged", None, None, 0)
    clearing = await accounts.system_account(session, "mall_clearing")
    # held first, then the entries: balance - held never dips below zero in between.
    await accounts.change_wallet(session, wallet.id, held=-hold.amount)
    await post(
        session,
        kind="settle",
        fact=_fact(order_id, at),
        wallet=wallet,
        legs=[(wallet.id, -hold.amount), (clearing, hold.amount)],
    )
    await _mark(session, order_id, "settled")
    return HoldOutcome("settled", hold.resident_id, hold.community_id, hold.amount)


async def release(session: AsyncSession, *, order_id: str, at: datetime) -> HoldOutcome:
    hold, wallet = await _placed(session, order_id)
    if hold is None or wallet is None:
        return HoldOutcome("unchanged", None, None, 0)
    await accounts.change_wallet(session, wallet.id, held=-hold.amount)
    await post(session, kind="release", fact=_fact(order_id, at), wallet=wallet, legs=[])
    await _mark(session, order_id, "released")
    return HoldOutcome("released", hold.resident_id, hold.community_id, hold.amount)


async def _placed(
    session: AsyncSession, order_id: str
) -> tuple[Hold | None, accounts.Wallet | None]:
    hold = await session.scalar(
        select(Hold).where(Hold.order_id == order_id, Hold.status == "placed").with_for_update()
    )
    if hold is None or hold.resident_id is None:
        return None, None
    return hold, await accounts.lock_wallet(session, hold.resident_id)


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
