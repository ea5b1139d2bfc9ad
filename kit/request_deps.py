"""FastAPI dependencies every service shares: the request's unit of work and the clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import unit_of_work

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def install_clock(app: FastAPI, clock: Clock | None = None) -> None:
    """Make `clock` what `Now` answers in `app` (UTC now when None); tests pass a movable one."""
    app.state.clock = clock or utc_now


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(request.app.state.runtime.session_factory) as session:
        yield session


def _now(request: Request) -> datetime:
    clock: Clock | None = getattr(request.app.state, "clock", None)
    if clock is None:
        raise RuntimeError("install_clock(app, clock) was not called for this app")
    return clock()


# The request's session: rolls back unless the route commits (kit.db.unit_of_work).
SessionDep = Annotated[AsyncSession, Depends(_session)]
# The current time by the app's clock, timezone-aware UTC.
Now = Annotated[datetime, Depends(_now)]
