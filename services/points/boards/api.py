"""Public red lists: /api/points/communities/{id}/leaderboard."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.points.boards import service as boards
from services.points.boards.rules import By, Period
from services.points.boards.schemas import BoardRow
from services.points.deps import Now, Session

router = APIRouter(tags=["red lists"])


@router.get("/communities/{community_id}/leaderboard")
async def leaderboard(
    community_id: uuid.UUID,
    session: Session,
    now: Now,
    by: By = "resident",
    period: Period = "month",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[BoardRow]:
    return await boards.leaderboard(
        session, community_id=community_id, by=by, period=period, now=now, limit=limit
    )
