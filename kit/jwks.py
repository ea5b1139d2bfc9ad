"""TokenVerifier: checks identity's access tokens against its JWKS, cached, refetched sparingly;
remembers the claims of tokens it has verified until they expire."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
from jwt import PyJWK, PyJWKSet

from kit.auth import AuthUnavailable, InvalidToken

__all__ = ["ALLOWED_ALGORITHMS", "AuthUnavailable", "InvalidToken", "TokenVerifier"]

log = logging.getLogger("kit.jwks")

# Asymmetric only: a token naming `none` or an HMAC algorithm is refused before any key is
# looked at, so a symmetric key that strays into a JWKS can never verify anything.
ALLOWED_ALGORITHMS = frozenset({"EdDSA", "ES256"})
REQUIRED_CLAIMS = ["sub", "exp", "iat", "iss", "aud"]

REFUSED = "登录凭证无效，请重新登录"
EXPIRED = "登录已过期，请重新登录"
UNAVAILABLE = "暂时无法校验登录状态，请稍后再试"
# Tokens whose claims are remembered, most recently used kept: a signed-in person sends the
# same token for up to its 15 minutes, and a signature check costs more than the rest of the
# gateway's work on a request.
VERIFIED_CACHE_SIZE = 8192


@dataclass(frozen=True)
class _Verified:
    claims: dict[str, Any]
    kid: str
    key: PyJWK  # the key it was checked with: a JWKS refetched since means checking it again
    until: float  # wall-clock seconds: `exp` plus the leeway, as jwt.decode would allow


class TokenVerifier:
    """Verifies access tokens; one per process, shared by every request."""

    def __init__(
        self,
        *,
        jwks_url: str,
        issuer: str,
        audience: str,
        client: httpx.AsyncClient | None = None,
        leeway: float = 30,
        min_refetch_seconds: float = 10,
        ttl_seconds: float = 300,
        fetch_timeout_seconds: float = 5,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        cache_size: int = VERIFIED_CACHE_SIZE,
    ) -> None:
        self._jwks_url = jwks_url
        self._issuer = issuer
        self._audience = audience
        self._client = client
        self._leeway = leeway
        self._min_refetch = min_refetch_seconds
        self._ttl = ttl_seconds
        self._timeout = fetch_timeout_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        self._cache_size = cache_size
        self._verified: OrderedDict[str, _Verified] = OrderedDict()
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at: float | None = None  # last successful fetch
        self._attempted_at: float | None = None  # last fetch tried, failed or not: the throttle
        self._lock = asyncio.Lock()

    async def verify(self, token: str) -> dict[str, Any]:
        """The token's claims if identity signed it and it is current; else InvalidToken.

        A token verified before is answered from memory (a copy of its claims: callers may
        add to them) while it is unexpired and its key is still in the JWKS; refusals are
        never remembered. Facts that changed since the token was issued are not in its
        claims either way: overlay them after verifying.
        """
        if token in self._verified and self._is_stale():
            await self._refresh()
        known = self._verified.get(token)
        if known is not None and self._still_good(known):
            self._verified.move_to_end(token)
            return dict(known.claims)
        claims, kid, key = await self._verify_signed(token)
        self._remember(token, claims, kid, key)
        return dict(claims)

    def _still_good(self, known: _Verified) -> bool:
        # A JWKS refetched since holds new key objects: the token is checked afresh then,
        # so a key withdrawn from the JWKS stops every token it signed.
        return self._wall_clock() < known.until and self._keys.get(known.kid) is known.key

    def _remember(self, token: str, claims: dict[str, Any], kid: str, key: PyJWK) -> None:
        until = float(claims["exp"]) + self._leeway
        self._verified[token] = _Verified(claims, kid, key, until)
        while len(self._verified) > self._cache_size:
            self._verified.popitem(last=False)

    async def _verify_signed(self, token: str) -> tuple[dict[str, Any], str, PyJWK]:
        alg, kid = _signing_header(token)
        key = await self._key_for(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=self._issuer,
                audience=self._audience,
                leeway=self._leeway,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidToken(EXPIRED) from exc
        except jwt.PyJWTError as exc:
            log.info("token refused", extra={"reason": type(exc).__name__})
            raise InvalidToken(REFUSED) from exc
        return claims, kid, key

    async def _key_for(self, kid: str) -> PyJWK:
        if self._is_stale():
            await self._refresh()
        if kid not in self._keys:
            # A kid we have not seen may be a key identity just rotated in.
            await self._refresh()
        if not self._keys:
            raise AuthUnavailable(UNAVAILABLE, retry_after_seconds=max(1, round(self._min_refetch)))
        key = self._keys.get(kid)
        if key is None:
            log.info("token refused", extra={"reason": "unknown kid"})
            raise InvalidToken(REFUSED)
        return key

    def _is_stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self._ttl

    async def _refresh(self) -> None:
        """Refetch the JWKS unless one was tried within min_refetch_seconds."""
        async with self._lock:
            now = self._clock()
            if self._attempted_at is not None and now - self._attempted_at < self._min_refetch:
                return
            self._attempted_at = now
            try:
                self._keys = await self._fetch()
            except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
                # Keep serving the keys we have: identity being down must not log everyone out.
                log.warning("JWKS fetch failed", extra={"url": self._jwks_url, "error": repr(exc)})
                return
            self._fetched_at = now

    async def _fetch(self) -> dict[str, PyJWK]:
        if self._client is not None:
            response = await self._client.get(self._jwks_url, timeout=self._timeout)
        else:
            # Fetches are minutes apart, so a client per fetch costs nothing and needs no closing.
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self._jwks_url)
        response.raise_for_status()
        return _signing_keys(response.json())


def _signing_header(token: str) -> tuple[str, str]:
    """The token's `alg` and `kid`, refusing anything but our asymmetric algorithms."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken(REFUSED) from exc
    alg, kid = header.get("alg"), header.get("kid")
    if not isinstance(alg, str) or alg not in ALLOWED_ALGORITHMS:
        log.info("token refused", extra={"reason": "algorithm not allowed"})
        raise InvalidToken(REFUSED)
    if not isinstance(kid, str) or not kid:
        raise InvalidToken(REFUSED)
    return alg, kid


def _signing_keys(document: Any) -> dict[str, PyJWK]:
    """Usable signing keys of a JWKS document by kid; raises ValueError if there are none."""
    if not isinstance(document, dict):
        raise ValueError("JWKS is not a JSON object")
    keys = {
        key.key_id: key
        for key in PyJWKSet.from_dict(document)
        if key.key_id
        and key.algorithm_name in ALLOWED_ALGORITHMS
        and key.public_key_use in (None, "sig")
    }
    if not keys:
        raise ValueError("JWKS holds no usable signing key")
    return keys
