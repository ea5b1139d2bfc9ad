"""Vesting claims: a claim whose publicity period ended with no open objection is posted."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.points import ClaimVested
from kit.db import unit_of_work
from kit.states import transition
from services.points.awards.service import capped_award
from services.points.claims.models import Claim, Objection
from services.points.claims.rules import CLAIM_FLOW
from services.points.claims.service import claim_item
from services.points.events import publish
from services.points.ledger import wallets
from services.points.ledger.double_entry import Fact
from services.points.ledger.models import Posting

log = logging.getLogger("points.jobs")

VEST_BATCH = 100


async def vest_due_claims(
    *, session_factory: async_sessionmaker[AsyncSession], now: datetime
) -> int:
    """Vest every claim whose publicity ended with no open objection; returns how many.

    Safe with several replicas: each batch locks its claims FOR UPDATE SKIP LOCKED, so two
    runs never take the same claim, and the posting is unique by its source claim anyway.
    """
    vested, stuck = 0, set[uuid.UUID]()
    while True:
        async with unit_of_work(session_factory) as session:
            due = await _lock_due_claims(session, now=now, skip=stuck)
            for claim in due:
                if await _vest(session, claim, now):
                    vested += 1
                else:
                    stuck.add(claim.id)
            await session.commit()
        if len(due) < VEST_BATCH:
            return vested


async def _lock_due_claims(
    session: AsyncSession, *, now: datetime, skip: set[uuid.UUID]
) -> list[Claim]:
    open_objection = (
        select(Objection.id)
        .where(Objection.claim_id == Claim.id, Objection.status == "open")
        .exists()
    )
    stmt = (
        select(Claim)
        .where(Claim.status == "publicity", Claim.publicity_ends_at <= now, ~open_objection)
        .order_by(Claim.publicity_ends_at, Claim.id)
        .limit(VEST_BATCH)
        .with_for_update(of=Claim, skip_locked=True)
    )
    if skip:
        stmt = stmt.where(Claim.id.not_in(skip))
    return list((await session.scalars(stmt)).all())


async def _vest(session: AsyncSession, claim: Claim, now: datetime) -> bool:
    """Post the claim's points and mark it vested; False (logged) when it cannot post."""
    item = await claim_item(session, claim)
    wallet = await wallets.lock_wallet(session, claim.resident_id)
    if item is None or item.points <= 0 or wallet is None:
        # Left in publicity so it vests once the list or account is fixed; staff see it there.
        log.error(
            "claim cannot vest",
            extra={"claim_id": str(claim.id), "item": bool(item), "account": bool(wallet)},
        )
        return False
    claim.status = transition(CLAIM_FLOW, claim.status, "vest")
    fact = Fact(
        source_type="claim",
        source_id=str(claim.id),
        actor="system",
        reason=f"申报公示期满：{item.name}",
        occurred_at=now,
        item_code=claim.item_code,
    )
    # Capped like every item award, counted in the window of the vesting (the posting's time,
    # which is also when later awards will count it).
    posted = await capped_award(
        session, wallet=wallet, item=item, amount=item.points, fact=fact, kind="claim"
    )
    claim.posting_id = posted.posting_id or await _posting_of(session, claim.id)
    event = ClaimVested(
        resident_id=str(claim.resident_id),
        community_id=str(claim.community_id),
        claim_id=str(claim.id),
        posting_id=str(claim.posting_id),
        points=posted.points,
    )
    await publish(session, event, subject=str(claim.resident_id))
    return True


async def _posting_of(session: AsyncSession, claim_id: uuid.UUID) -> uuid.UUID | None:
    """The posting an earlier run already made for this claim (the ledger posts a fact once)."""
    return await session.scalar(
        select(Posting.id).where(
            Posting.kind == "claim",
            Posting.source_type == "claim",
            Posting.source_id == str(claim_id),
        )
    )
