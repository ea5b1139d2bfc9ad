"""Composition root of the mall service (uvicorn factory `services.mall.app:create_app`)."""

from fastapi import FastAPI

from kit.service import create_service_app
from services.mall import api
from services.mall.config import Settings
from services.mall.consumers import SUBSCRIPTIONS


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings or Settings(),
        title="善治 · 积分商城",
        routers=[api.router],
        subscriptions=SUBSCRIPTIONS,
    )
