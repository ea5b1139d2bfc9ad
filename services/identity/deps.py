"""FastAPI dependencies of the identity API (`Annotated` aliases, as in one place)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from uuid import UUID

import httpx
from fastapi import Depends, Request

from kit.deps import CurrentPrincipal, StaffScope, staff
from kit.errors import Forbidden
from kit.request_deps import Now as Now
from kit.request_deps import SessionDep as Session
from services.identity.auth.rules import client_ip, session_of
from services.identity.auth.sms import SmsSender
from services.identity.auth.throttle import Throttle
from services.identity.config import Settings
from services.identity.crypto import Vault
from services.identity.org.rules import holds_root_admin

__all__ = [
    "ClientIP",
    "Context",
    "DistrictAdmin",
    "IdentityContext",
    "LoginSession",
    "Now",
    "RootAdmin",
    "Session",
]


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
    peer = request.client.host if request.client else "unknown"
    forwarded_for = request.headers.get("x-forwarded-for", "")
    return client_ip(peer, forwarded_for, request.app.state.identity.settings.trusted_proxies)


Context = Annotated[IdentityContext, Depends(_context)]
ClientIP = Annotated[str, Depends(_client_ip)]
DistrictAdmin = Annotated[StaffScope, Depends(staff("district_admin"))]


async def _root_admin(scope: DistrictAdmin) -> StaffScope:
    # Partners and signing keys are platform-wide: a town's district_admin must not hold them.
    if not holds_root_admin(scope.principal):
        raise Forbidden("仅区级（根单位）管理员可操作")
    return scope


RootAdmin = Annotated[StaffScope, Depends(_root_admin)]


async def _login_session(request: Request, _: CurrentPrincipal) -> UUID | None:
    """The login session (refresh-token family) the caller's access token was issued in."""
    # After CurrentPrincipal accepted the token: checking it again costs a signature only.
    token = request.headers.get("authorization", "").partition(" ")[2]
    claims = await request.app.state.token_verifier.verify(token.strip())
    return session_of(claims)


LoginSession = Annotated[UUID | None, Depends(_login_session)]
