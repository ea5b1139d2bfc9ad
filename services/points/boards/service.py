"""Red lists (红榜): an index read of the score aggregates, names masked for the public."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.masking import mask_name
from services.points.boards.rules import By, Period, period_key
from services.points.boards.schemas import BoardRow
from services.points.ledger.models import Account, Score


async def leaderboard(
    session: AsyncSession,
    *,
    community_id: uuid.UUID,
    by: By,
    period: Period,
    now: datetime,
    limit: int,
) -> list[BoardRow]:
    rows = (
        await session.execute(
            select(Score.subject_id, Score.score)
            .where(
                Score.community_id == community_id,
                Score.subject_kind == by,
                Score.period == period_key(period, now),
            )
            .order_by(Score.score.desc(), Score.subject_id)
            .limit(limit)
        )
    ).all()
    names = await _names(session, by, [r.subject_id for r in rows])
    return [
        BoardRow(
            rank=i + 1, subject_id=r.subject_id, name=names.get(r.subject_id, "居民"), score=r.score
        )
        for i, r in enumerate(rows)
    ]


async def _names(session: AsyncSession, by: By, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not ids:
        return {}
    if by == "resident":
        found = await session.execute(
            select(Account.resident_id, Account.name).where(Account.resident_id.in_(ids))
        )
        return {rid: mask_name(name or "居民") for rid, name in found if rid}
    found = await session.execute(
        select(Account.household_id, func.min(Account.name))
        .where(Account.household_id.in_(ids))
        .group_by(Account.household_id)
    )
    return {hid: f"{mask_name(name or '居民')}家" for hid, name in found if hid}


async def rank_of(
    session: AsyncSession,
    *,
    community_id: uuid.UUID,
    resident_id: uuid.UUID,
    period: Period,
    now: datetime,
) -> tuple[int | None, int]:
    """(rank, score) of a resident on the community's board; rank None before any score."""
    key = period_key(period, now)
    own = await session.scalar(
        select(Score.score).where(
            Score.community_id == community_id,
            Score.subject_kind == "resident",
            Score.period == key,
            Score.subject_id == resident_id,
        )
    )
    if own is None:
        return None, 0
    ahead = await session.scalar(
        select(func.count()).where(
            Score.community_id == community_id,
            Score.subject_kind == "resident",
            Score.period == key,
            Score.score > own,
        )
    )
    return int(ahead or 0) + 1, int(own)
