"""The cadre dashboard (/api/petitions/stats) and overdue counts (/api/petitions/overdue)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.petitions.deps import Now, PetitionManager, Session
from services.petitions.stats import rules, service
from services.petitions.stats.schemas import Dashboard, OverdueBoard

router = APIRouter(tags=["petitions-stats"])

UnitId = Annotated[uuid.UUID, Query(description="镇/街道或社区的单位 ID")]
Bound = Annotated[
    str | None,
    Query(
        max_length=40,
        description="YYYY-MM-DD（按北京时间整天，含当天）或 ISO 8601 时间；默认最近 30 天",
    ),
]


@router.get("/stats", response_model=Dashboard)
async def dashboard(
    session: Session,
    scope: PetitionManager,
    now: Now,
    unit_id: UnitId,
    from_: Annotated[Bound, Query(alias="from")] = None,
    to: Bound = None,
) -> Dashboard:
    """Per community of the unit: counts, overdue now, speed, satisfaction, reopen rate."""
    start, end = rules.period(from_, to, now=now)
    return await service.dashboard(
        session=session, scope=scope, unit_id=unit_id, start=start, end=end, now=now
    )


@router.get("/overdue", response_model=OverdueBoard)
async def overdue(
    session: Session, scope: PetitionManager, now: Now, unit_id: UnitId
) -> OverdueBoard:
    """Overdue now per community of the unit: not accepted, not resolved in time."""
    return await service.overdue_board(session=session, scope=scope, unit_id=unit_id, now=now)
