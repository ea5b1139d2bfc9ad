"""The double-entry ledger: every change is one balanced, idempotent posting (events are the
callers', in ledger/service.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.points.ledger.models import Entry, Posting, Score
from services.points.ledger.rules import Wallet, periods, split_award, split_deduction
from services.points.ledger.wallets import change_wallet

Leg = tuple[uuid.UUID, int]  # (account id, signed amount)


@dataclass(frozen=True)
class Fact:
    """Why a posting happens: the source fact that makes it unique, who, and when."""

    source_type: str
    source_id: str
    actor: str
    reason: str
    occurred_at: datetime
    item_code: str | None = None


async def post(
    session: AsyncSession,
    *,
    kind: str,
    fact: Fact,
    wallet: Wallet | None,
    legs: list[Leg],
    score_delta: int = 0,
    debt_delta: int = 0,
    capped: int = 0,
    reverses_id: uuid.UUID | None = None,
    community_id: uuid.UUID | None = None,
) -> uuid.UUID | None:
    """Write the posting and its entries; None when this fact was already posted."""
    posting_id = uuid.uuid4()
    stmt = (
        pg_insert(Posting)
        .values(
            id=posting_id,
            kind=kind,
            item_code=fact.item_code,
            source_type=fact.source_type,
            source_id=fact.source_id,
            actor=fact.actor,
            reason=fact.reason,
            resident_id=wallet.resident_id if wallet else None,
            community_id=wallet.community_id if wallet else community_id,
            score_delta=score_delta,
            debt_delta=debt_delta,
            capped=capped,
            reverses_id=reverses_id,
            occurred_at=fact.occurred_at,
        )
        .on_conflict_do_nothing(constraint="uq_postings_source")
        .returning(Posting.id)
    )
    if (await session.execute(stmt)).first() is None:
        return None
    entries = [{"posting_id": posting_id, "account_id": a, "amount": n} for a, n in legs if n]
    if entries:
        await session.execute(insert(Entry), entries)
    if wallet is not None and score_delta:
        await add_score(session, wallet, score_delta, fact.occurred_at)
    return posting_id


async def add_score(session: AsyncSession, wallet: Wallet, delta: int, at: datetime) -> None:
    """Keep the red-list aggregates current in the posting's own transaction."""
    subjects = [("resident", wallet.resident_id)]
    if wallet.household_id is not None:
        subjects.append(("household", wallet.household_id))
    rows = [
        {
            "community_id": wallet.community_id,
            "subject_kind": kind,
            "subject_id": sid,
            "period": period,
            "score": delta,
        }
        for kind, sid in subjects
        for period in periods(at)
    ]
    stmt = pg_insert(Score).values(rows)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["community_id", "subject_kind", "period", "subject_id"],
            set_={"score": Score.score + stmt.excluded.score},
        )
    )


async def credit(
    session: AsyncSession,
    *,
    kind: str,
    fact: Fact,
    wallet: Wallet,
    issuing: uuid.UUID,
    amount: int,
    capped: int = 0,
) -> uuid.UUID | None:
    """Award `amount`: debt is paid first, the rest moves from the issuing account."""
    split = split_award(amount, wallet.debt)
    posting = await post(
        session,
        kind=kind,
        fact=fact,
        wallet=wallet,
        legs=[(issuing, -split.credited), (wallet.id, split.credited)],
        score_delta=amount,
        debt_delta=-split.debt_paid,
        capped=capped,
    )
    if posting is not None:
        await change_wallet(session, wallet.id, debt=-split.debt_paid, earned=amount)
    return posting


async def debit(
    session: AsyncSession, *, fact: Fact, wallet: Wallet, issuing: uuid.UUID, penalty: int
) -> uuid.UUID | None:
    """Deduct `penalty` from the score; the wallet gives what is available, the rest is debt."""
    split = split_deduction(penalty, wallet.available)
    posting = await post(
        session,
        kind="deduction",
        fact=fact,
        wallet=wallet,
        legs=[(wallet.id, -split.taken), (issuing, split.taken)],
        score_delta=-penalty,
        debt_delta=split.new_debt,
    )
    if posting is not None:
        await change_wallet(session, wallet.id, debt=split.new_debt)
    return posting
