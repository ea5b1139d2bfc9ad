"""Composition root of the notices service (uvicorn `services.notices.app:create_app`)."""

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from kit.service import create_service_app
from services.notices.activities import api as activities_api
from services.notices.config import Settings
from services.notices.consumers import SUBSCRIPTIONS


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="善治 · 村务公开",
        routers=[],
        subscriptions=SUBSCRIPTIONS,
        # Time is injectable: tests move it to publish scheduled notices and run activities.
        clock=clock,
    )
    # Resources with their own public prefix (/api/activities, /api/inbox), not /api/notices:
    # the gateway routes those prefixes to this service (gateway/proxy.py ALIASES).
    for router in (activities_api.router,):
        app.include_router(router, prefix="/api")
    return app
