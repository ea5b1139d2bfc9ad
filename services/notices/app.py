"""Composition root of the notices service (uvicorn `services.notices.app:create_app`)."""

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from kit.service import create_service_app
from services.notices.config import Settings
from services.notices.consumers import SUBSCRIPTIONS


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(
        settings,
        title="善治 · 村务公开",
        routers=[],
        subscriptions=SUBSCRIPTIONS,
        # Time is injectable: tests move it to publish scheduled notices and run activities.
        clock=clock,
    )
