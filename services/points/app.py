"""Composition root of the points service (uvicorn factory `services.points.app:create_app`)."""

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from kit.service import create_service_app
from kit.storage import LocalDiskStorage, install_storage
from services.points.accounts import api as accounts_api
from services.points.awards import api as awards_api
from services.points.boards import api as boards_api
from services.points.claims import api as claims_api
from services.points.config import Settings
from services.points.consumers import SUBSCRIPTIONS
from services.points.evidence import api as evidence_api
from services.points.ledger import api as ledger_api
from services.points.listing import api as listing_api
from services.points.scheduler import start_jobs


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        settings,
        title="善治 · 积分",
        routers=[
            accounts_api.router,
            listing_api.rules_router,
            ledger_api.router,
            awards_api.router,
            boards_api.router,
            claims_api.router,
            evidence_api.router,
            listing_api.settings_router,
        ],
        subscriptions=SUBSCRIPTIONS,
        on_startup=[start_jobs],
        # Time is injectable: tests move it to run publicity periods and expiry.
        clock=clock,
    )
    # Claims' evidence photos (services/points/evidence).
    install_storage(app, LocalDiskStorage(settings.storage_root))
    return app
