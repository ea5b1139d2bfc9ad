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
from services.notices.inbox import api as inbox_api
from services.notices.inbox.runtime import inbox_startup


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="善治 · 村务公开",
        routers=[attachments_api.router, board_api.router, inbox_api.home_router],
        subscriptions=SUBSCRIPTIONS,
        on_startup=[start_publishing, inbox_startup(settings)],
        # Time is injectable: tests move it to publish scheduled notices and run activities.
        clock=clock,
    )
    install_storage(app, LocalDiskStorage(settings.storage_root))
    # Resources with their own public prefix (/api/activities, /api/inbox), not /api/notices:
    # the gateway routes those prefixes to this service (gateway/proxy.py ALIASES).
    app.include_router(activities_api.router, prefix="/api")
    app.include_router(inbox_api.router)
    return app
