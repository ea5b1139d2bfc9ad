"""Every service boots from the kit on its own migrated database and reports ready."""

from __future__ import annotations

import asyncio
import importlib
import time

import httpx
import pytest
from alembic import command

from kit.migrate import alembic_config, upgrade_head
from tests.integration import support

SERVICES = ["identity", "points", "petitions", "notices", "mall"]


async def readyz(
    service: str, database_url: str, kafka: str, *, within: float = 0
) -> httpx.Response:
    """The service's /readyz, asked again for up to `within` seconds until it says ready."""
    app_module = importlib.import_module(f"services.{service}.app")
    config = importlib.import_module(f"services.{service}.config")
    settings = config.Settings(database_url=database_url, kafka_bootstrap_servers=kafka)
    app = app_module.create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
            deadline = time.monotonic() + within
            while (answer := await client.get("/readyz")).status_code != 200:
                if time.monotonic() >= deadline:
                    break
                await asyncio.sleep(0.2)
            return answer


@pytest.mark.parametrize("service", SERVICES)
async def test_service_is_ready_on_a_migrated_database(service: str, kafka: str):
    name = support.unique(service)
    url = await support.create_database(name)
    try:
        await asyncio.to_thread(upgrade_head, service, url)
        # Ready once the access feed has read the recent access changes (a second or so).
        answer = await readyz(service, url, kafka, within=15)
        assert answer.status_code == 200, answer.text
        assert answer.json()["checks"] == {"database": "ok", "kafka": "ok", "access": "ok"}
        # The models and the migrations describe the same schema.
        await asyncio.to_thread(command.check, alembic_config(service, url))
    finally:
        await support.drop_database(name)


async def test_service_is_not_ready_before_its_migrations_ran(kafka: str):
    name = support.unique("points")
    url = await support.create_database(name)
    try:
        answer = await readyz("points", url, kafka)
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["checks"]["kafka"] == "ok"
        assert "alembic_version" in answer.json()["checks"]["database"]
    finally:
        await support.drop_database(name)


async def test_service_is_not_ready_when_kafka_is_unreachable():
    name = support.unique("mall")
    url = await support.create_database(name)
    try:
        await asyncio.to_thread(upgrade_head, "mall", url)
        answer = await readyz("mall", url, "127.0.0.1:1")
        assert answer.status_code == 503
        assert answer.json()["checks"]["database"] == "ok"
        assert answer.json()["checks"]["kafka"] != "ok"
    finally:
        await support.drop_database(name)
