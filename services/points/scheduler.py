"""Runs the points jobs in the background of each replica (every job is replica-safe)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from kit.service import ServiceRuntime
from services.points.jobs import EXPIRY_EVERY, VEST_EVERY, expire_points, vest_claims

log = logging.getLogger("points.scheduler")


async def start_jobs(app: FastAPI, runtime: ServiceRuntime) -> None:
    clock: Callable[[], datetime] = app.state.clock
    runtime.tasks.append(asyncio.create_task(_loop(runtime, clock), name="points-jobs"))


async def _loop(runtime: ServiceRuntime, clock: Callable[[], datetime]) -> None:
    since_expiry = EXPIRY_EVERY  # run both at start
    while not runtime.stopping.is_set():
        try:
            await vest_claims(session_factory=runtime.session_factory, now=clock())
            if since_expiry >= EXPIRY_EVERY:
                await expire_points(session_factory=runtime.session_factory, now=clock())
                since_expiry = 0.0
        except Exception:
            # Logged and retried next round; a job never takes the service down.
            log.exception("points job failed")
        try:
            await asyncio.wait_for(runtime.stopping.wait(), timeout=VEST_EVERY)
        except TimeoutError:
            since_expiry += VEST_EVERY
