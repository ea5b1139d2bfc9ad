"""Liveness, readiness (database, migrations at head, Kafka) and the Prometheus endpoint."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiokafka.client import AIOKafkaClient
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from kit.problems import problem

Check = Callable[[], Awaitable[str | None]]  # None when fine, else what is wrong
CHECK_TIMEOUT = 3.0


def database_check(engine: AsyncEngine, heads: set[str]) -> Check:
    async def check() -> str | None:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            current = {r[0] for r in rows}
        return (
            None if current == heads else f"migrations at {sorted(current)}, head {sorted(heads)}"
        )

    return check


def kafka_check(client: AIOKafkaClient) -> Check:
    async def check() -> str | None:
        await client.bootstrap()
        await client.fetch_all_metadata()
        return None

    return check


async def _run(check: Check) -> str | None:
    try:
        return await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT)
    except Exception as exc:
        return f"{exc.__class__.__name__}: {exc}"[:300]


def health_router(checks: dict[str, Check]) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @router.get("/readyz", response_model=None)
    async def readyz(request: Request) -> JSONResponse | dict[str, object]:
        results = await asyncio.gather(*(_run(c) for c in checks.values()))
        failures = {n: r for n, r in zip(checks, results, strict=True) if r is not None}
        status = {n: failures.get(n, "ok") for n in checks}
        if failures:
            return problem(503, detail="not ready", checks=status)
        return {"status": "ready", "checks": status}

    @router.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
