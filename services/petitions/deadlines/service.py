"""The deadlines job: escalate missed deadlines one unit up, close what went unrated.

Both are safe with several replicas: each batch locks its petitions FOR UPDATE SKIP LOCKED,
so two runs never take the same petition, and each is decided again on the locked row by the
pure rules, so a petition that moved meanwhile is left alone. Escalation is once per missed
deadline (`overdue_since` remembers the deadline escalated; see rules.py).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.petitions import PetitionClosed, PetitionEscalated
from kit import idempotency
from kit.db import unit_of_work
from kit.states import transition
from services.petitions.cases.models import Petition
from services.petitions.cases.publishing import announce
from services.petitions.cases.rules import FLOW, RATING_WINDOW
from services.petitions.cases.timeline import add_entry
from services.petitions.deadlines.rules import (
    AUTO_CLOSE_TEXT,
    AWAITING_ACCEPTANCE,
    BEING_HANDLED,
    TIMELINE_TEXT,
    closes_unrated,
    escalation_target,
    to_escalate,
)

log = logging.getLogger("petitions.deadlines")

BATCH = 100
# How long a client may retry a write with the same Idempotency-Key.
IDEMPOTENCY_WINDOW = timedelta(days=1)

Apply = Callable[[AsyncSession, Petition, datetime], Awaitable[bool]]


def overdue_at(now: datetime) -> ColumnElement[bool]:
    """SQL for rules.overdue: past the deadline of the state the petition is in."""
    return or_(
        and_(Petition.status.in_(AWAITING_ACCEPTANCE), Petition.accept_due_at <= now),
        and_(Petition.status.in_(BEING_HANDLED), Petition.resolve_due_at <= now),
    )


def _escalation_due(now: datetime) -> ColumnElement[bool]:
    """SQL for rules.to_escalate: overdue, and not for the deadline escalated last."""
    return or_(
        and_(
            Petition.status.in_(AWAITING_ACCEPTANCE),
            Petition.accept_due_at <= now,
            Petition.overdue_since.is_distinct_from(Petition.accept_due_at),
        ),
        and_(
            Petition.status.in_(BEING_HANDLED),
            Petition.resolve_due_at <= now,
            Petition.overdue_since.is_distinct_from(Petition.resolve_due_at),
        ),
    )


def _close_due(now: datetime) -> ColumnElement[bool]:
    """SQL for rules.closes_unrated."""
    return and_(Petition.status == "resolved", Petition.resolved_at < now - RATING_WINDOW)


async def run_deadlines(
    *, session_factory: async_sessionmaker[AsyncSession], now: datetime
) -> dict[str, int]:
    """One run of the job; returns how many petitions were escalated and closed."""
    escalated = await _in_batches(session_factory, _escalation_due(now), _escalate, now)
    closed = await _in_batches(session_factory, _close_due(now), _close_unrated, now)
    return {"escalated": escalated, "closed": closed}


async def forget_idempotency_keys(
    *, session_factory: async_sessionmaker[AsyncSession], now: datetime
) -> int:
    """Drop Idempotency-Keys older than the retry window; returns how many."""
    async with unit_of_work(session_factory) as session:
        dropped = await idempotency.forget_before(session, before=now - IDEMPOTENCY_WINDOW)
        await session.commit()
    return dropped


async def _in_batches(
    factory: async_sessionmaker[AsyncSession],
    due: ColumnElement[bool],
    apply: Apply,
    now: datetime,
) -> int:
    """Apply to every due petition, a locked batch per transaction; returns how many took."""
    done, skip = 0, set[uuid.UUID]()
    while True:
        async with unit_of_work(factory) as session:
            batch = await _lock(session, due, skip)
            for petition in batch:
                if await apply(session, petition, now):
                    done += 1
                else:
                    skip.add(petition.id)
            await session.commit()
        if len(batch) < BATCH:
            return done


async def _lock(
    session: AsyncSession, due: ColumnElement[bool], skip: set[uuid.UUID]
) -> list[Petition]:
    stmt = (
        select(Petition)
        .where(due)
        .order_by(Petition.created_at, Petition.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    if skip:
        stmt = stmt.where(Petition.id.not_in(skip))
    return list((await session.scalars(stmt)).all())


async def _escalate(session: AsyncSession, petition: Petition, now: datetime) -> bool:
    """Hand the missed deadline one unit up, once; False if it cannot (left for a person)."""
    miss = to_escalate(petition, now)
    target = escalation_target(petition.community_path)
    if miss is None or target is None:
        if miss is not None:
            log.error("petition has no unit above it", extra={"petition_id": str(petition.id)})
        return False
    kind, deadline = miss
    petition.overdue_since = deadline
    petition.escalated_to_unit_id = target
    petition.escalated_at = now
    # Public: the author and neighbours see that a late matter went up (村务公开).
    await add_entry(
        session,
        petition,
        at=now,
        kind="escalation",
        public=True,
        actor_role="system",
        action="escalate",
        body=TIMELINE_TEXT[kind],
    )
    await announce(
        session, PetitionEscalated, petition, at=now, missed=kind, escalated_to_unit_id=str(target)
    )
    return True


async def _close_unrated(session: AsyncSession, petition: Petition, now: datetime) -> bool:
    if not closes_unrated(petition.status, petition.resolved_at, now):
        return False
    before = petition.status
    petition.status = transition(FLOW, before, "close")
    petition.closed_at = now
    await add_entry(
        session,
        petition,
        at=now,
        kind="status",
        public=True,
        actor_role="system",
        action="close",
        from_status=before,
        to_status=petition.status,
        body=AUTO_CLOSE_TEXT,
    )
    await announce(session, PetitionClosed, petition, at=now, closed_by="timeout")
    return True
