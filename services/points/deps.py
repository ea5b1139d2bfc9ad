"""FastAPI dependencies of the points API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import unit_of_work
from kit.deps import StaffScope, staff


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(request.app.state.runtime.session_factory) as session:
        yield session


def _now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


Session = Annotated[AsyncSession, Depends(_session)]
Now = Annotated[datetime, Depends(_now)]
# Staff who run a community's points: review claims, adjust, keep the list.
PointsStaff = Annotated[
    StaffScope, Depends(staff("district_admin", "community_admin", "community_staff"))
]
