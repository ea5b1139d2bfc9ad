"""Composition root of the notices service (uvicorn `services.notices.app:create_app`)."""

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from kit.service import create_service_app
from kit.storage import LocalDiskStorage, install_storage
from services.notices.activities import api as activities_api
from services.notices.board import api as board_api
from services.notices.board import attachments_api
from services.notices.board.jobs import start_publishing
from services.notices.config import Settings
from services.notices.consumers import SUBSCRIPTIONS


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="善治 · 村务公开",
        routers=[attachments_api.router, board_api.router],
        subscriptions=SUBSCRIPTIONS,
        on_startup=[start_publishing],
        # Time is injectable: tests move it to publish scheduled notices and run activities.
        clock=clock,
    )
    install_storage(app, LocalDiskStorage(settings.storage_root))
    # Resources with their own public prefix (/api/activities, /api/inbox), not /api/notices:
    # the gateway routes those prefixes to this service (gateway/proxy.py ALIASES).
    for router in (activities_api.router,):
        app.include_router(router, prefix="/api")
    return app
