"""Composition root of the points service (uvicorn factory `services.points.app:create_app`)."""

from fastapi import FastAPI

from kit.service import create_service_app
from services.points import api
from services.points.config import Settings
from services.points.consumers import SUBSCRIPTIONS


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="善治 · 积分",
        routers=[api.router],
        subscriptions=SUBSCRIPTIONS,
    )
