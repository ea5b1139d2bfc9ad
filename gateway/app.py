"""Composition root of the gateway: `uvicorn gateway.app:create_app --factory`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from gateway.bff import bff_router
from gateway.config import Settings
from gateway.ingress import ingress_router, start_ingress, stop_ingress
from gateway.proxy import close_routing, install_routing
from gateway.readiness import kafka_ready, service_ready
from gateway.web import install_console, install_web_app
from kit.access_feed import access_feed, access_ready
from kit.logging import configure_logging
from kit.web import create_web_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(level=settings.log_level, json_lines=settings.log_json)
    # uvicorn's access line per request is off here: the service that answers a proxied
    # request logs it under the same request id, and the door logs what only it knows
    # (gateway.door). Formatting and writing a line was 15% of the gateway's CPU under load.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    # Health checks and the phone home screen's fan-out share one small client.
    client = httpx.AsyncClient(timeout=settings.upstream_timeout_seconds)
    access, stopping = access_feed(settings), asyncio.Event()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await start_ingress(app, settings)
        following = asyncio.create_task(access.run(stopping), name="access")
        try:
            yield
        finally:
            stopping.set()
            await asyncio.wait([following], timeout=10)
            following.cancel()
            await stop_ingress(app)
            await close_routing(app)
            await client.aclose()

    checks = {
        name: service_ready(client, name, urls)
        for name in settings.service_urls
        if (urls := settings.urls_of(name))
    }
    checks["kafka"] = kafka_ready(lambda: app)
    checks["access"] = access_ready(access)
    app = create_web_app(
        service="gateway", title="善治 · 网关", checks=checks, lifespan=lifespan, api_prefix=""
    )
    app.state.bff_client = client
    app.state.access_overlay = access.overlay
    app.include_router(bff_router(settings))
    app.include_router(ingress_router(settings))
    install_routing(app, settings)
    install_web_app(app, settings.web_root)
    install_console(app, settings.console_root)
    return app
