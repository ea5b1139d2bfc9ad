"""Member codes: a resident's minute-long QR token from identity, checked at the mall counter."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from kit.auth import InvalidToken
from kit.errors import Invalid
from kit.jwks import TokenVerifier

__all__ = [
    "MEMBER_AUDIENCE",
    "MEMBER_CODE_LEEWAY_SECONDS",
    "MEMBER_CODE_TTL",
    "MemberCode",
    "MemberCodeRefused",
    "member_code_verifier",
    "verify_member_code",
]

# Its own audience: a member code is never an access token, nor an access token a member code.
MEMBER_AUDIENCE = "shanzhi-member"
MEMBER_CODE_TTL = timedelta(seconds=60)
# Clock skew tolerated past `exp`. Small: the access tokens' 30 s would half again a code's life.
MEMBER_CODE_LEEWAY_SECONDS = 5
REFUSED = "会员码无效或已过期，请刷新后重试"


class MemberCodeRefused(Invalid):
    """The scanned code is forged, expired or not a member code.

    422 naming the field, not 401: the counter operator's own login is fine, and a 401 would
    make the console sign them out.
    """

    def __init__(self) -> None:
        super().__init__(REFUSED, field="member_code")


@dataclass(frozen=True)
class MemberCode:
    """Who showed the code. `jti` is unique per code, for a caller that refuses a second use."""

    resident_id: uuid.UUID
    community_id: str | None
    jti: str
    expires_at: datetime


def member_code_verifier(
    *, jwks_url: str, issuer: str, client: httpx.AsyncClient | None = None
) -> TokenVerifier:
    """A TokenVerifier for member codes: identity's JWKS, the member audience, a short leeway."""
    return TokenVerifier(
        jwks_url=jwks_url,
        issuer=issuer,
        audience=MEMBER_AUDIENCE,
        client=client,
        leeway=MEMBER_CODE_LEEWAY_SECONDS,
    )


async def verify_member_code(verifier: TokenVerifier, token: str) -> MemberCode:
    """The resident behind a current member code; MemberCodeRefused for anything else.

    AuthUnavailable (identity's JWKS unreachable) is not the code's fault and passes through.
    """
    try:
        claims = await verifier.verify(token)
    except InvalidToken as exc:
        raise MemberCodeRefused() from exc
    return member_code_of(claims)


def member_code_of(claims: Mapping[str, Any]) -> MemberCode:
    """The MemberCode of verified claims; refuses claims that break the member-code contract."""
    # The verifier checked `aud` against its own audience. Checking ours as well means a
    # verifier built for access tokens still cannot pass an access token off as a member code.
    if claims.get("aud") != MEMBER_AUDIENCE:
        raise MemberCodeRefused()
    jti, community_id, exp = claims.get("jti"), claims.get("community_id"), claims.get("exp")
    if not isinstance(jti, str) or not jti:
        raise MemberCodeRefused()
    if community_id is not None and (not isinstance(community_id, str) or not community_id):
        raise MemberCodeRefused()
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise MemberCodeRefused()
    try:
        resident_id = uuid.UUID(str(claims.get("sub")))
    except ValueError:
        raise MemberCodeRefused() from None
    expires_at = datetime.fromtimestamp(exp, UTC)
    return MemberCode(resident_id, community_id, jti, expires_at)
