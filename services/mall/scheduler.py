"""Runs the mall's jobs in the background of each replica (every job is replica-safe)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi import FastAPI

from kit.service import ServiceRuntime, StartupHook
from services.mall.config import Settings
from services.mall.orders import jobs

log = logging.getLogger("mall.scheduler")


def job_starter(settings: Settings) -> StartupHook:
    async def start_jobs(app: FastAPI, runtime: ServiceRuntime) -> None:
        clock: Callable[[], datetime] = app.state.clock
        task = asyncio.create_task(_loop(runtime, clock, settings), name="mall-jobs")
        runtime.tasks.append(task)

    return start_jobs


async def run_once(runtime: ServiceRuntime, now: datetime, settings: Settings) -> None:
    factory = runtime.session_factory
    await jobs.expire_due(session_factory=factory, now=now)
    after = timedelta(seconds=settings.sweep_after_seconds)
    await jobs.republish_stuck(session_factory=factory, now=now, after=after)


async def _loop(runtime: ServiceRuntime, clock: Callable[[], datetime], settings: Settings) -> None:
    rounds = 0
    while not runtime.stopping.is_set():
        try:
            await run_once(runtime, clock(), settings)
            if rounds % 120 == 0:
                await jobs.forget_idempotency_keys(
                    session_factory=runtime.session_factory, now=clock()
                )
        except Exception:
            # Logged and retried next round; a job never takes the service down.
            log.exception("mall job failed")
        rounds += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.stopping.wait(), timeout=settings.jobs_every_seconds)
