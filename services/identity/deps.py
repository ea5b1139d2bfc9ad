"""FastAPI dependencies of the identity API (`Annotated` aliases, as in one place)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import httpx
from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from kit.db import unit_of_work
from kit.deps import StaffScope, staff
from services.identity.config import Settings
from services.identity.crypto import Vault
from services.identity.sms import SmsSender
from services.identity.throttle import Throttle


@dataclass
class IdentityContext:
    """What the identity routes need besides the session: built once in app.py."""

    settings: Settings
    vault: Vault
    throttle: Throttle
    sms: SmsSender
    http: httpx.AsyncClient
    clock: Callable[[], datetime]


def _context(request: Request) -> IdentityContext:
    context: IdentityContext = request.app.state.identity
    return context


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    async with unit_of_work(request.app.state.runtime.session_factory) as session:
        yield session


def _now(context: Annotated[IdentityContext, Depends(_context)]) -> datetime:
    return context.clock()


def _client_ip(request: Request) -> str:
    """The caller's address: behind a trusted proxy, the nearest untrusted X-Forwarded-For hop."""
    trusted = set(request.app.state.identity.settings.trusted_proxies)
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted:
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return peer


Context = Annotated[IdentityContext, Depends(_context)]
Session = Annotated[AsyncSession, Depends(_session)]
Now = Annotated[datetime, Depends(_now)]
ClientIP = Annotated[str, Depends(_client_ip)]
DistrictAdmin = Annotated[StaffScope, Depends(staff("district_admin"))]
