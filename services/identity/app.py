"""Composition root of the identity service (uvicorn factory `services.identity.app:create_app`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx
from fastapi import FastAPI

from kit.db import unit_of_work
from kit.deps import install_auth
from kit.jwks import TokenVerifier
from kit.service import ServiceRuntime, create_service_app
from services.identity.access import api as access_api
from services.identity.auth import api as auth_api
from services.identity.auth.sms import LocalSmsSender
from services.identity.auth.throttle import Throttle
from services.identity.bootstrap import bootstrap
from services.identity.config import Settings
from services.identity.consumers import SUBSCRIPTIONS
from services.identity.crypto import Vault
from services.identity.deps import IdentityContext
from services.identity.households import api as households_api
from services.identity.org import api as org_api
from services.identity.partners import api as partners_api
from services.identity.people import api as people_api
from services.identity.roles import api as roles_api

SELF = "http://identity.internal"


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or Settings()
    context = IdentityContext(
        settings=settings,
        vault=Vault(settings.data_key.get_secret_value()),
        throttle=Throttle(),
        sms=LocalSmsSender(),
        http=httpx.AsyncClient(),
        clock=clock or (lambda: datetime.now(UTC)),
    )

    async def start(app: FastAPI, runtime: ServiceRuntime) -> None:
        async with unit_of_work(runtime.session_factory) as session:
            await bootstrap(
                session=session, settings=settings, vault=context.vault, now=context.clock()
            )
            await session.commit()
        # Identity checks its own tokens against its own JWKS, in process.
        own = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SELF)
        install_auth(
            app,
            TokenVerifier(
                jwks_url=f"{SELF}/api/identity/.well-known/jwks.json",
                issuer=settings.token_issuer,
                audience=settings.token_audience,
                client=own,
            ),
        )

    app = create_service_app(
        settings,
        title="善治 · 身份与组织",
        routers=[
            auth_api.router,
            people_api.router,
            access_api.router,
            org_api.router,
            roles_api.router,
            households_api.router,
            partners_api.router,
        ],
        subscriptions=SUBSCRIPTIONS,
        on_startup=[start],
        clock=context.clock,
    )
    app.include_router(partners_api.internal)
    app.state.identity = context
    return app
