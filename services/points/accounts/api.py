"""Accounts: /api/points/accounts/..."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from kit.deps import CurrentPrincipal
from services.points.accounts import service as statements
from services.points.accounts.schemas import AccountOut, ExpiringOut, ExpiryOut, PostingPage
from services.points.base import LOCAL
from services.points.boards import service as boards
from services.points.boards.rules import Period
from services.points.deps import Now, PointsStaff, Session
from services.points.expiry import service as expiry
from services.points.expiry.rules import WARNING_DAYS
from services.points.ledger.service import ACCOUNT_MISSING, account_in_scope

router = APIRouter(tags=["accounts"])


@router.get("/accounts/me")
async def my_account(principal: CurrentPrincipal, session: Session) -> AccountOut:
    account = await statements.account_of(session, uuid.UUID(principal.sub))
    return await statements.account_out(session, account)


@router.get("/accounts/me/postings")
async def my_postings(
    principal: CurrentPrincipal,
    session: Session,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PostingPage:
    return await statements.postings_page(session, uuid.UUID(principal.sub), cursor, limit)


@router.get("/accounts/me/rank")
async def my_rank(
    principal: CurrentPrincipal, session: Session, now: Now, period: Period = "month"
) -> dict[str, object]:
    """This resident's place on their community's red list (the phone home screen shows it)."""
    account = await statements.account_of(session, uuid.UUID(principal.sub))
    if account.community_id is None:
        return {"period": period, "rank": None, "score": 0}
    rank, score = await boards.rank_of(
        session,
        community_id=account.community_id,
        resident_id=uuid.UUID(principal.sub),
        period=period,
        now=now,
    )
    return {"period": period, "rank": rank, "score": score}


@router.get("/accounts/me/expiry")
async def my_expiry(principal: CurrentPrincipal, session: Session, now: Now) -> ExpiryOut:
    """Which of my points will expire and when (soonest first), by my community's policy."""
    account = await statements.account_of(session, uuid.UUID(principal.sub))
    years, deadlines = await expiry.upcoming(
        session, account=account, today=now.astimezone(LOCAL).date()
    )
    items = [ExpiringOut(expires_on=d.expires_on, points=d.points) for d in deadlines]
    return ExpiryOut(expiry_years=years, warning_days=WARNING_DAYS, items=items)


@router.get("/accounts/{resident_id}/postings")
async def resident_postings(
    resident_id: uuid.UUID,
    scope: PointsStaff,
    session: Session,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PostingPage:
    """Staff: a resident's postings, newest first (to find one to reverse)."""
    await account_in_scope(session, staff=scope, resident_id=resident_id, outside=ACCOUNT_MISSING)
    return await statements.postings_page(session, resident_id, cursor, limit)


@router.get("/accounts/{resident_id}")
async def resident_account(
    resident_id: uuid.UUID, scope: PointsStaff, session: Session
) -> AccountOut:
    account = await account_in_scope(
        session, staff=scope, resident_id=resident_id, outside=ACCOUNT_MISSING
    )
    return await statements.account_out(session, account)
