"""Composition root of the petitions service (uvicorn `services.petitions.app:create_app`)."""

from fastapi import FastAPI

from kit.service import create_service_app
from services.petitions import api
from services.petitions.config import Settings
from services.petitions.consumers import SUBSCRIPTIONS


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="善治 · 村民说事",
        routers=[api.router],
        subscriptions=SUBSCRIPTIONS,
    )
