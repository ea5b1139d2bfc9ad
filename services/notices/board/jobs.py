"""The publishing job: scheduled notices whose `publish_at` came go public.

Replica-safe: each batch locks its notices FOR UPDATE SKIP LOCKED, so two replicas never take
the same notice, and the state machine refuses a second release of one already published.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.db import unit_of_work
from kit.service import ServiceRuntime
from services.notices.board.models import Notice
from services.notices.board.service import release

log = logging.getLogger("notices.board.jobs")

BATCH = 100
EVERY_SECONDS = 10.0


async def publish_due(*, session_factory: async_sessionmaker[AsyncSession], now: datetime) -> int:
    """One run: publish every scheduled notice due by `now`; returns how many."""
    done = 0
    while True:
        async with unit_of_work(session_factory) as session:
            batch = list(
                await session.scalars(
                    select(Notice)
                    .where(Notice.status == "scheduled", Notice.publish_at <= now)
                    .order_by(Notice.publish_at, Notice.id)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            for notice in batch:
                await release(session, notice, now)
            await session.commit()
        done += len(batch)
        if len(batch) < BATCH:
            return done


async def start_publishing(app: FastAPI, runtime: ServiceRuntime) -> None:
    """Startup hook (app.py): run the job in the background of every replica."""
    clock: Callable[[], datetime] = app.state.clock
    task = asyncio.create_task(_loop(runtime, clock), name="notices-publishing")
    runtime.tasks.append(task)


async def _loop(runtime: ServiceRuntime, clock: Callable[[], datetime]) -> None:
    while not runtime.stopping.is_set():
        try:
            count = await publish_due(session_factory=runtime.session_factory, now=clock())
            if count:
                log.info("scheduled notices published", extra={"count": count})
        except Exception:
            # Logged and retried next round; a job never takes the service down.
            log.exception("notices publishing job failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.stopping.wait(), timeout=EVERY_SECONDS)
