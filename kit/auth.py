"""Who is calling: the Principal every service authorises by, its token claims, org-scope checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kit.errors import DomainError
from kit.paths import within

Role = Literal[
    "district_admin", "community_admin", "community_staff", "grid_worker", "counter_operator"
]
KNOWN_ROLES: frozenset[str] = frozenset(get_args(Role))

# RFC 6750 challenges: a bare one when no token came, an error code when a token was refused.
CHALLENGE_LOGIN = "Bearer"
CHALLENGE_INVALID = 'Bearer error="invalid_token"'


class InvalidToken(DomainError):
    """The caller sent no token, or one we cannot trust; the detail never quotes a library."""

    status = 401
    title = "未登录或登录已过期"

    def __init__(self, reason: str, *, challenge: str = CHALLENGE_INVALID) -> None:
        # `headers` rides in `extra`, which kit.problems spreads into problem(headers=...).
        super().__init__(reason, headers={"WWW-Authenticate": challenge})


class AuthUnavailable(DomainError):
    """Tokens cannot be checked right now (identity's JWKS unreachable): a retryable 503."""

    status = 503
    title = "服务暂不可用"

    def __init__(self, reason: str, *, retry_after_seconds: int) -> None:
        super().__init__(reason, headers={"Retry-After": str(retry_after_seconds)})


@dataclass(frozen=True)
class RoleGrant:
    """A staff role held on an org unit; it acts on that unit and everything below it."""

    role: Role
    unit_id: str
    unit_path: str  # materialised path, e.g. "/510703/510703101/510703101001"

    def covers(self, unit_path: str) -> bool:
        return within(unit_path, self.unit_path)


@dataclass(frozen=True)
class Principal:
    sub: str
    name: str = ""
    community_id: str | None = None
    household_id: str | None = None
    verified: bool = False
    roles: tuple[RoleGrant, ...] = field(default_factory=tuple)

    @property
    def is_staff(self) -> bool:
        """Every role is a staff role; residents hold none."""
        return bool(self.roles)

    def can_act_on(self, unit_path: str, *roles: Role) -> bool:
        """True if one of `roles` (any role when none given) is granted on the unit or above."""
        return any(g.covers(unit_path) and (not roles or g.role in roles) for g in self.roles)


class _GrantClaim(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")

    role: str
    unit_id: str = Field(min_length=1)
    # An empty or "/" path would cover every unit, so only real paths are accepted.
    unit_path: str = Field(pattern=r"^(/[^/\s]+)+$")


class _AccessClaims(BaseModel):
    # Strict: a "false" string must not pass as a bool, nor a number as an id.
    model_config = ConfigDict(strict=True, extra="ignore")

    sub: str = Field(min_length=1)
    name: str = ""
    community_id: str | None = None
    household_id: str | None = None
    verified: bool = False
    roles: list[_GrantClaim] = []


# Principals of tokens seen lately, by token id: a signed token's claims never change, and
# parsing them is most of what checking a cached token costs. Oldest dropped first.
_BY_TOKEN_ID: dict[str, Principal] = {}
PRINCIPALS_REMEMBERED = 8192


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """The Principal of a verified access token; claims that break the contract are refused."""
    jti = claims.get("jti")
    known = _BY_TOKEN_ID.get(jti) if isinstance(jti, str) else None
    if known is not None and known.sub == claims.get("sub"):
        return known
    principal = _parse_principal(claims)
    if isinstance(jti, str):
        if len(_BY_TOKEN_ID) >= PRINCIPALS_REMEMBERED:
            del _BY_TOKEN_ID[next(iter(_BY_TOKEN_ID))]
        _BY_TOKEN_ID[jti] = principal
    return principal


def _parse_principal(claims: Mapping[str, Any]) -> Principal:
    try:
        parsed = _AccessClaims.model_validate(dict(claims))
    except ValidationError as exc:
        raise InvalidToken("登录凭证内容不完整，请重新登录") from exc
    # A role this code does not know grants nothing here: identity may add roles before
    # every service is redeployed, and that must not lock those people out.
    grants = tuple(
        RoleGrant(role=cast(Role, g.role), unit_id=g.unit_id, unit_path=g.unit_path)
        for g in parsed.roles
        if g.role in KNOWN_ROLES
    )
    return Principal(
        sub=parsed.sub,
        name=parsed.name,
        community_id=parsed.community_id,
        household_id=parsed.household_id,
        verified=parsed.verified,
        roles=grants,
    )
