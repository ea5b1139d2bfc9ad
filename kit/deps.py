"""FastAPI dependencies: who is calling (Bearer token), real-name checks, staff role and scope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kit.access import principal_of
from kit.auth import CHALLENGE_LOGIN, InvalidToken, Principal, Role
from kit.errors import Forbidden
from kit.jwks import TokenVerifier
from kit.settings import KitSettings

# auto_error=False: a missing token must answer 401 problem+json with our challenge, not
# FastAPI's own error; the scheme still documents the Bearer requirement in OpenAPI.
_bearer = HTTPBearer(auto_error=False, description="identity 签发的访问令牌")


def install_auth(app: FastAPI, verifier: TokenVerifier) -> None:
    """Make `verifier` the one every auth dependency of `app` uses (call from create_app)."""
    app.state.token_verifier = verifier


def install_token_verifier(app: FastAPI, settings: KitSettings) -> None:
    """Check tokens against identity's JWKS as `settings` name it, unless `app` has a verifier."""
    if getattr(app.state, "token_verifier", None) is not None:
        return
    verifier = TokenVerifier(
        jwks_url=settings.jwks_url, issuer=settings.token_issuer, audience=settings.token_audience
    )
    install_auth(app, verifier)


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier | None = getattr(request.app.state, "token_verifier", None)
    if verifier is None:
        raise RuntimeError("install_auth(app, verifier) was not called for this app")
    return verifier


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller of this request; 401 without a valid Bearer token."""
    if credentials is None:
        raise InvalidToken("请先登录", challenge=CHALLENGE_LOGIN)
    claims = await _verifier(request).verify(credentials.credentials)
    # Per request, after verification: a change made since the token was issued applies.
    return principal_of(request.app.state, claims)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller on a route that also answers anonymous readers: None without a token, but
    401 for a token that is not valid (an expired one is refreshed, not silently dropped)."""
    if credentials is None:
        return None
    claims = await _verifier(request).verify(credentials.credentials)
    # Per request, after verification: a change made since the token was issued applies.
    return principal_of(request.app.state, claims)


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


async def verified_resident(principal: CurrentPrincipal) -> Principal:
    """The caller, who must have completed real-name verification."""
    if not principal.verified:
        raise Forbidden("需要先完成实名认证")
    return principal


VerifiedResident = Annotated[Principal, Depends(verified_resident)]


@dataclass(frozen=True)
class StaffScope:
    """A staff caller and the roles a route accepts; answers which org units they may act on."""

    principal: Principal
    roles: tuple[Role, ...]

    @property
    def unit_paths(self) -> tuple[str, ...]:
        """Units where the accepted roles are held, for filtering list queries by subtree."""
        return tuple(g.unit_path for g in self.principal.roles if self._accepts(g.role))

    def covers(self, unit_path: str) -> bool:
        return self.principal.can_act_on(unit_path, *self.roles)

    def ensure(self, unit_path: str) -> None:
        """Refuse (403) unless an accepted role is held on `unit_path` or a unit above it."""
        if not self.covers(unit_path):
            raise Forbidden("该单位不在您的管辖范围内")

    def _accepts(self, role: Role) -> bool:
        return not self.roles or role in self.roles


def staff(*roles: Role) -> Callable[[Principal], Awaitable[StaffScope]]:
    """A dependency admitting callers who hold one of `roles` (any staff role when none given).

    Usage: `scope: Annotated[StaffScope, Depends(staff("community_admin"))]`, then
    `scope.ensure(resource.unit_path)` once the resource is loaded.
    """

    async def require_staff(principal: CurrentPrincipal) -> StaffScope:
        scope = StaffScope(principal=principal, roles=roles)
        if not scope.unit_paths:
            raise Forbidden("需要工作人员权限")
        return scope

    return require_staff
