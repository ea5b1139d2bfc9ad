"""Pure rules of authentication: who the client is, what a token says, when a refresh is reuse."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Literal

from kit.errors import DomainError
from kit.member_code import MEMBER_AUDIENCE, MEMBER_CODE_TTL

# The same for unknown phones: whether a number is registered is not revealed.
WRONG_LOGIN = "手机号或密码错误"
SESSION_ENDED = "登录已失效，请重新登录"
WRONG_CODE = "验证码错误或已过期"

RefreshVerdict = Literal["rotate", "refuse", "reuse"]
# The resident's screen fetches a new member code this long before the old one expires, so
# the code on show always has time left for the scan and a little clock skew.
MEMBER_CODE_REFRESH_MARGIN = timedelta(seconds=15)


class NotAuthenticated(DomainError):
    status = 401
    title = "未登录或登录已过期"


def client_ip(peer: str, forwarded_for: str, trusted: Iterable[str]) -> str:
    """The caller's address: behind a trusted proxy, the nearest untrusted X-Forwarded-For hop.

    `trusted` holds addresses or networks ("10.244.0.0/16": gateway pods have no fixed address).
    """
    networks = [ipaddress.ip_network(t, strict=False) for t in trusted]

    def is_trusted(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False  # not an address (a forged hop): never a proxy of ours
        return any(ip in network for network in networks)

    if not is_trusted(peer):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop):
            return hop
    return peer


def refresh_verdict(
    *, revoked_at: datetime | None, expires_at: datetime, used_at: datetime | None, now: datetime
) -> RefreshVerdict:
    """A live, unspent refresh token rotates; a spent one presented again is reuse (theft)."""
    if revoked_at is not None or expires_at <= now:
        return "refuse"
    if used_at is not None:
        return "reuse"
    return "rotate"


def access_claims(
    *,
    issuer: str,
    audience: str,
    minutes: int,
    person_id: uuid.UUID,
    name: str,
    community_id: uuid.UUID | None,
    household_id: uuid.UUID | None,
    verified: bool,
    roles: list[dict[str, str]],
    now: datetime,
    jti: str,
    session_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The claims of an access token valid for `minutes` from `now`.

    `sid` names the login session (the refresh-token family) the token was issued in, so a
    password change can end every other session and keep this one.
    """
    return {
        "iss": issuer,
        "aud": audience,
        "sub": str(person_id),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=minutes)).timestamp()),
        "jti": jti,
        "name": name,
        "community_id": _str(community_id),
        "household_id": _str(household_id),
        "verified": verified,
        "roles": roles,
        "sid": _str(session_id),
    }


def member_code_claims(
    *, issuer: str, person_id: uuid.UUID, community_id: uuid.UUID | None, now: datetime, jti: str
) -> dict[str, Any]:
    """The claims of a member code: who, of which community, for MEMBER_CODE_TTL from `now`.

    Nothing else: no name, roles or session, so a leaked code tells little and grants nothing.
    """
    return {
        "iss": issuer,
        "aud": MEMBER_AUDIENCE,
        "sub": str(person_id),
        "iat": int(now.timestamp()),
        "exp": int((now + MEMBER_CODE_TTL).timestamp()),
        "jti": jti,
        "community_id": _str(community_id),
    }


def member_code_refresh_in(expires_at: datetime, now: datetime) -> int:
    """Seconds until the screen should fetch the next code (never below one)."""
    return max(1, int((expires_at - MEMBER_CODE_REFRESH_MARGIN - now).total_seconds()))


def session_of(claims: dict[str, Any]) -> uuid.UUID | None:
    """The login session an access token names; None for a token without a valid `sid`."""
    try:
        return uuid.UUID(str(claims["sid"]))
    except (KeyError, ValueError):
        return None


def _str(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)
