"""Composition root of the notices service (uvicorn factory `services.notices.app:create_app`)."""

from fastapi import FastAPI

from kit.service import create_service_app
from services.notices import api
from services.notices.config import Settings
from services.notices.consumers import SUBSCRIPTIONS


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="善治 · 村务公开",
        routers=[api.router],
        subscriptions=SUBSCRIPTIONS,
    )
