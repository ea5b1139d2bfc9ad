"""Runs the petitions jobs in the background of each replica (every job is replica-safe)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from kit.service import ServiceRuntime
from services.petitions.jobs import (
    DEADLINES_EVERY,
    PURGE_EVERY,
    enforce_deadlines,
    purge_idempotency_keys,
)

log = logging.getLogger("petitions.scheduler")


async def start_jobs(app: FastAPI, runtime: ServiceRuntime) -> None:
    clock: Callable[[], datetime] = app.state.clock
    runtime.tasks.append(asyncio.create_task(_loop(runtime, clock), name="petitions-jobs"))


async def _loop(runtime: ServiceRuntime, clock: Callable[[], datetime]) -> None:
    since_purge = PURGE_EVERY  # run both at start
    while not runtime.stopping.is_set():
        try:
            await enforce_deadlines(session_factory=runtime.session_factory, now=clock())
            if since_purge >= PURGE_EVERY:
                await purge_idempotency_keys(session_factory=runtime.session_factory, now=clock())
                since_purge = 0.0
        except Exception:
            # Logged and retried next round; a job never takes the service down.
            log.exception("petitions job failed")
        try:
            await asyncio.wait_for(runtime.stopping.wait(), timeout=DEADLINES_EVERY)
        except TimeoutError:
            since_purge += DEADLINES_EVERY
