"""The expiry job: what a resident earned in year Y leaves the wallet at the end of year Y + N
(the community's `expiry_years`; None = never), oldest first, with a warning 30 days before.

The rule is pure (expiry/rules.py, over the wallet's movements); the job (`run_expiry`)
applies it once per resident and deadline, safe with several replicas: a
resident another replica is working on is skipped (SKIP LOCKED), and the `expiry_marks` row
and the posting's unique source make every warning and expiry happen once.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    exists,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from contracts.points import PointsExpired, PointsExpiringSoon
from kit.db import unit_of_work
from services.points.base import LOCAL
from services.points.events import publish
from services.points.expiry.models import ExpiryMark
from services.points.expiry.rules import (
    Deadline,
    Movement,
    coming_deadline,
    due,
    passed_deadline,
    schedule,
    warns,
)
from services.points.ledger import reversal, wallets
from services.points.ledger.models import Account, Entry, Posting
from services.points.ledger.rules import Wallet
from services.points.listing.models import CommunitySettings


async def run_expiry(
    *, session_factory: async_sessionmaker[AsyncSession], now: datetime
) -> dict[str, int]:
    """Expire what is past its date and warn of what comes within 30 days; one transaction
    per resident. Returns counts: warned, expired, points_expired, skipped (locked elsewhere)."""
    today = now.astimezone(LOCAL).date()
    async with unit_of_work(session_factory) as session:
        todo = await _candidates(session, today)
    totals: Counter[str] = Counter(warned=0, expired=0, points_expired=0, skipped=0)
    for resident_id, years in todo:
        async with unit_of_work(session_factory) as session:
            totals.update(await _apply(session, resident_id, years, today=today, now=now))
            await session.commit()
    return dict(totals)


async def _candidates(session: AsyncSession, today: date) -> Sequence[tuple[uuid.UUID, int]]:
    """Residents under an expiry policy with points and a stage not yet done for its date."""
    passed = _not_marked(date(today.year - 1, 12, 31), "expired")
    coming = date(today.year, 12, 31)
    in_window = warns(today, coming)
    rows = await session.execute(
        select(Account.resident_id, CommunitySettings.expiry_years)
        .join(CommunitySettings, CommunitySettings.community_id == Account.community_id)
        .where(
            Account.kind == "resident",
            Account.balance > 0,
            CommunitySettings.expiry_years.is_not(None),
            or_(passed, _not_marked(coming, "warned") if in_window else false()),
        )
        .order_by(Account.resident_id)
    )
    return [(rid, years) for rid, years in rows if rid is not None and years is not None]


def _not_marked(expires_on: date, stage: str) -> ColumnElement[bool]:
    return ~exists().where(
        ExpiryMark.resident_id == Account.resident_id,
        ExpiryMark.expires_on == expires_on,
        ExpiryMark.stage == stage,
    )


async def _apply(
    session: AsyncSession, resident_id: uuid.UUID, years: int, *, today: date, now: datetime
) -> Counter[str]:
    done: Counter[str] = Counter()
    if not await _try_lock(session, resident_id):
        done["skipped"] += 1
        return done
    wallet = await wallets.lock_wallet(session, resident_id)
    assert wallet is not None
    moves = await movements(session, wallet.id)
    passed = passed_deadline(today, years)
    amount = min(due(moves, earned_up_to=passed.earned_up_to), wallet.available)
    marked = await _mark(session, resident_id, passed.expires_on, "expired", amount)
    if marked and amount and await _expire(session, wallet, amount, passed, now):
        done.update(expired=1, points_expired=amount)
        moves.append((today, -amount))
    coming = coming_deadline(today, years)
    if warns(today, coming.expires_on):
        left = wallet.available - done["points_expired"]
        amount = min(due(moves, earned_up_to=coming.earned_up_to), left)
        if await _mark(session, resident_id, coming.expires_on, "warned", amount) and amount:
            await _warn(session, wallet, amount, coming)
            done["warned"] += 1
    return done


async def _try_lock(session: AsyncSession, resident_id: uuid.UUID) -> bool:
    """Lock the resident's account unless another transaction holds it (another replica)."""
    stmt = (
        select(Account.id)
        .where(Account.resident_id == resident_id)
        .with_for_update(skip_locked=True)
    )
    return await session.scalar(stmt) is not None


async def movements(session: AsyncSession, account_id: uuid.UUID) -> list[Movement]:
    """The wallet's movements, each posting net of its reversal, dated by the original fact."""
    moved = (
        select(
            func.coalesce(Posting.reverses_id, Posting.id).label("root"),
            Entry.amount.label("amount"),
        )
        .join(Posting, Posting.id == Entry.posting_id)
        .where(Entry.account_id == account_id)
        .subquery()
    )
    root = aliased(Posting)
    net = func.sum(moved.c.amount)
    rows = await session.execute(
        select(root.occurred_at, net)
        .join(moved, moved.c.root == root.id)
        .group_by(root.id)
        .having(net != 0)
    )
    return [(at.astimezone(LOCAL).date(), int(total)) for at, total in rows]


async def _mark(
    session: AsyncSession, resident_id: uuid.UUID, expires_on: date, stage: str, points: int
) -> bool:
    """Record that this stage is done for this deadline; False when it already was."""
    stmt = (
        pg_insert(ExpiryMark)
        .values(resident_id=resident_id, expires_on=expires_on, stage=stage, points=points)
        .on_conflict_do_nothing()
        .returning(ExpiryMark.stage)
    )
    return (await session.execute(stmt)).first() is not None


async def _expire(
    session: AsyncSession, wallet: Wallet, amount: int, deadline: Deadline, now: datetime
) -> bool:
    source = f"expiry:{wallet.resident_id}:{deadline.earned_up_to}"
    posting = await reversal.expire(session, wallet=wallet, amount=amount, source_id=source, at=now)
    if posting is None:
        return False
    event = PointsExpired(
        resident_id=str(wallet.resident_id),
        community_id=str(wallet.community_id),
        posting_id=str(posting),
        points=amount,
        expired_on=deadline.expires_on,
    )
    await publish(session, event, subject=str(wallet.resident_id))
    return True


async def _warn(session: AsyncSession, wallet: Wallet, amount: int, deadline: Deadline) -> None:
    event = PointsExpiringSoon(
        resident_id=str(wallet.resident_id),
        community_id=str(wallet.community_id),
        points=amount,
        expires_on=deadline.expires_on,
    )
    await publish(session, event, subject=str(wallet.resident_id))


async def upcoming(
    session: AsyncSession, *, account: Account, today: date
) -> tuple[int | None, list[Deadline]]:
    """The community's expiry policy (years, None = never) and what of this wallet will
    expire when, as the job would take it (oldest first, held points spared)."""
    if account.community_id is None:
        return None, []
    years = await session.scalar(
        select(CommunitySettings.expiry_years).where(
            CommunitySettings.community_id == account.community_id
        )
    )
    if years is None:
        return None, []
    moves = await movements(session, account.id)
    deadlines = schedule(moves, years=years, available=account.balance - account.held)
    return years, [d for d in deadlines if d.expires_on >= today]
