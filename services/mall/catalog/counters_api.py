"""Counters: /api/mall/counters (create, change, list)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from kit.deps import CurrentPrincipal
from services.mall.catalog import counters
from services.mall.catalog.schemas import CounterCreate, CounterOut, CounterPage, CounterUpdate
from services.mall.deps import MallManager, Now, Session

router = APIRouter(tags=["catalog"])


@router.post("/counters", status_code=201)
async def create_counter(
    body: CounterCreate, scope: MallManager, session: Session, now: Now
) -> CounterOut:
    """Open an exchange counter in a community the caller manages."""
    counter = await counters.create(session=session, scope=scope, body=body, now=now)
    answer = counters.counter_out(counter)
    await session.commit()
    return answer


@router.patch("/counters/{counter_id}")
async def update_counter(
    counter_id: uuid.UUID, body: CounterUpdate, scope: MallManager, session: Session, now: Now
) -> CounterOut:
    """Rename, move, change the opening hours, or close (`active: false`) a counter."""
    counter = await counters.managed(session=session, scope=scope, counter_id=counter_id, lock=True)
    await counters.update(session=session, counter=counter, body=body, now=now)
    answer = counters.counter_out(counter)
    await session.commit()
    return answer


@router.get("/counters")
async def list_counters(
    principal: CurrentPrincipal,
    session: Session,
    community_id: uuid.UUID | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> CounterPage:
    """A community's counters: its residents see the active ones, covering staff all. Without
    `community_id`: staff get every covered community's, a resident their own community's."""
    query = counters.CounterQuery(community_id=community_id, cursor=cursor, limit=limit)
    return await counters.page(session=session, principal=principal, query=query)
