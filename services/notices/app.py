"""Composition root of the notices service (uvicorn `services.notices.app:create_app`)."""

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from kit.service import create_service_app
from services.notices.config import Settings
from services.notices.consumers import SUBSCRIPTIONS
from services.notices.inbox.api import router as inbox_router
from services.notices.inbox.runtime import inbox_startup


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="善治 · 村务公开",
        routers=[],
        subscriptions=SUBSCRIPTIONS,
        on_startup=[inbox_startup(settings)],
        # Time is injectable: tests move it to publish scheduled notices and run activities.
        clock=clock,
    )
    # Outside the service prefix: the gateway routes /api/inbox to notices.
    app.include_router(inbox_router)
    return app
