"""Composition root of the petitions service (uvicorn `services.petitions.app:create_app`)."""

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from kit.service import create_service_app
from kit.storage import LocalDiskStorage, install_storage
from services.petitions.attachments import api as attachments_api
from services.petitions.cases import actions_api
from services.petitions.cases import api as cases_api
from services.petitions.categories import api as categories_api
from services.petitions.config import Settings
from services.petitions.consumers import SUBSCRIPTIONS
from services.petitions.open311 import api as open311_api
from services.petitions.scheduler import start_jobs
from services.petitions.stats import api as stats_api


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="善治 · 村民说事",
        # Fixed paths (categories, public, stats, attachments, open311) before /{petition_id}.
        routers=[
            categories_api.router,
            stats_api.router,
            attachments_api.router,
            open311_api.router,
            cases_api.router,
            actions_api.router,
        ],
        subscriptions=SUBSCRIPTIONS,
        on_startup=[start_jobs],
        # Time is injectable: tests move it to run deadlines, escalation and auto-close.
        clock=clock,
    )
    install_storage(app, LocalDiskStorage(settings.storage_root))
    return app
