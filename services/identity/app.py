"""Composition root of the identity service (uvicorn factory `services.identity.app:create_app`)."""

from fastapi import FastAPI

from kit.service import create_service_app
from services.identity import api
from services.identity.config import Settings
from services.identity.consumers import SUBSCRIPTIONS


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="善治 · 身份与组织",
        routers=[api.router],
        subscriptions=SUBSCRIPTIONS,
    )
