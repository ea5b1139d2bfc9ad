"""Composition root of the points service (uvicorn factory `services.points.app:create_app`)."""

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from kit.service import create_service_app
from services.points import (
    api_accounts,
    api_boards,
    api_claims,
    api_rules,
    api_settings,
    api_staff,
)
from services.points.config import Settings
from services.points.consumers import SUBSCRIPTIONS
from services.points.scheduler import start_jobs


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    app = create_service_app(
        settings or Settings(),
        title="善治 · 积分",
        routers=[
            api_accounts.router,
            api_rules.router,
            api_staff.router,
            api_boards.router,
            api_claims.router,
            api_settings.router,
        ],
        subscriptions=SUBSCRIPTIONS,
        on_startup=[start_jobs],
        # Time is injectable: tests move it to run publicity periods and expiry.
        clock=clock,
    )
    return app
