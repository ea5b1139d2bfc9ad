"""Composition root of the mall service (uvicorn factory `services.mall.app:create_app`)."""

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from kit.service import create_service_app
from kit.storage import LocalDiskStorage, install_storage
from services.mall.catalog import counters_api, images_api, items_api
from services.mall.config import Settings
from services.mall.consumers import SUBSCRIPTIONS
from services.mall.counter import api as counter_api
from services.mall.counter.member_codes import install_default_verifier
from services.mall.orders import api as orders_api
from services.mall.reports import api as reports_api
from services.mall.scheduler import job_starter


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="善治 · 积分商城",
        routers=[
            counters_api.router,
            items_api.router,
            images_api.router,
            reports_api.router,
            orders_api.router,
            counter_api.router,
        ],
        subscriptions=SUBSCRIPTIONS,
        on_startup=[job_starter(settings)],
        # Time is injectable: tests move it to expire orders past their pickup date.
        clock=clock,
    )
    app.state.mall_settings = settings
    install_default_verifier(app, settings)
    install_storage(app, LocalDiskStorage(settings.storage_root))
    return app
