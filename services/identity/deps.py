"""FastAPI dependencies of the identity API (`Annotated` aliases, as in one place)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import httpx
from fastapi import Depends, Request

from kit.deps import StaffScope, staff
from kit.request_deps import Now as Now
from kit.request_deps import SessionDep as Session
from services.identity.config import Settings
from services.identity.crypto import Vault
from services.identity.sms import SmsSender
from services.identity.throttle import Throttle

__all__ = ["ClientIP", "Context", "DistrictAdmin", "IdentityContext", "Now", "Session"]


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
ClientIP = Annotated[str, Depends(_client_ip)]
DistrictAdmin = Annotated[StaffScope, Depends(staff("district_admin"))]
