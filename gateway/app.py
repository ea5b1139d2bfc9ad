"""Composition root of the gateway: `uvicorn gateway.app:create_app --factory`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from gateway.config import Settings
from gateway.proxy import proxy_router
from kit.health import Check
from kit.logging import configure_logging
from kit.web import create_web_app


def upstream_check(client: httpx.AsyncClient, base_url: str) -> Check:
    async def check() -> str | None:
        answer = await client.get(f"{base_url}/healthz")
        return None if answer.status_code == 200 else f"healthz answered {answer.status_code}"

    return check


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(level=settings.log_level, json_lines=settings.log_json)
    client = httpx.AsyncClient(timeout=settings.upstream_timeout_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await client.aclose()

    urls = {name: settings.urls_of(name) for name in settings.service_urls}
    checks = {name: upstream_check(client, bases[0]) for name, bases in urls.items() if bases}
    app = create_web_app(
        service="gateway", title="善治 · 网关", checks=checks, lifespan=lifespan, api_prefix=""
    )
    app.include_router(proxy_router(client, urls))
    return app
