"""The gateway's /readyz: ready only with a broker for pushes and a ready replica per service."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Response

from gateway.app import create_app
from gateway.config import Settings
from tests.integration.gateway.test_ingress import free_port, serving


def replica(*, ready: bool = True, hang: float = 0.0) -> FastAPI:
    """A service replica that is alive and answers /readyz as told (after `hang` seconds)."""
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz")
    async def readyz() -> Response:
        await asyncio.sleep(hang)
        return Response(status_code=200 if ready else 503)

    return app


@asynccontextmanager
async def gateway_over(kafka: str, **services: list[str]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(kafka_bootstrap_servers=kafka, service_urls=dict(services)))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield client


async def test_ready_with_kafka_and_one_ready_replica_per_service(kafka: str):
    async with (
        serving(replica(ready=False)) as down,
        serving(replica()) as up,
        gateway_over(kafka, points=[down, up], identity=[up]) as client,
    ):
        # Ready once the access feed has read the recent access changes (a second or so).
        deadline = time.monotonic() + 15
        while (answer := await client.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, answer.text
            await asyncio.sleep(0.2)
    assert answer.json()["checks"] == {
        "points": "ok",
        "identity": "ok",
        "kafka": "ok",
        "access": "ok",
    }


async def test_not_ready_when_no_replica_of_a_service_is_ready(kafka: str):
    async with (
        serving(replica(ready=False)) as down,
        serving(replica()) as up,
        gateway_over(kafka, points=[down], identity=[up]) as client,
    ):
        answer = await client.get("/readyz")
    assert answer.status_code == 503
    checks = answer.json()["checks"]
    assert checks["identity"] == checks["kafka"] == "ok"
    assert "none of 1 replicas" in checks["points"]
    assert down.rsplit(":", 1)[-1] not in checks["points"]  # no address on the public door


async def test_not_ready_when_the_push_producer_has_no_broker(kafka: str):
    async with (
        serving(replica()) as up,
        gateway_over(f"127.0.0.1:{free_port()}", points=[up]) as client,
    ):
        answer = await client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["points"] == "ok"
    assert answer.json()["checks"]["kafka"] != "ok"


async def test_readyz_answers_within_a_second_when_replicas_hang(kafka: str):
    async with (
        serving(replica(hang=5)) as slow,
        gateway_over(kafka, points=[slow], identity=[slow]) as client,
    ):
        started = time.monotonic()
        answer = await client.get("/readyz")
        took = time.monotonic() - started
    assert answer.status_code == 503
    assert took < 1.2, took
    assert set(answer.json()["checks"]) == {"points", "identity", "kafka", "access"}
