"""The edge check: which routes are public, the token every other route needs, rate limits."""

from __future__ import annotations

import functools
import hmac
import re
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.limits import RateLimits, Throttle
from kit.access import principal_of
from kit.auth import CHALLENGE_LOGIN, AuthUnavailable, InvalidToken, Principal
from kit.errors import DomainError
from kit.jwks import TokenVerifier
from kit.problems import problem


@dataclass(frozen=True)
class PublicRoute:
    methods: frozenset[str]
    pattern: re.Pattern[str]
    throttle: Throttle

    def matches(self, method: str, path: str) -> bool:
        return method in self.methods and self.pattern.fullmatch(path) is not None


def path_pattern(template: str) -> re.Pattern[str]:
    """`{name}` stands for one path segment, a trailing `/**` for any path below."""
    below = template.endswith("/**")
    parts = re.split(r"(\{\w+\})", template.removesuffix("/**"))
    regex = "".join("[^/]+" if re.fullmatch(r"\{\w+\}", p) else re.escape(p) for p in parts)
    return re.compile(regex + ("/.+" if below else ""))


def public(method: str, template: str, throttle: Throttle = "standard") -> PublicRoute:
    """A public route (`template` as for `path_pattern`); GET brings HEAD along."""
    methods = {method, "HEAD"} if method == "GET" else {method}
    return PublicRoute(frozenset(methods), path_pattern(template), throttle)


# Everything not listed here needs a valid access token: a route forgotten here is closed,
# never open. Services check tokens again; this list only decides who reaches them.
PUBLIC_ROUTES = (
    public("GET", "/healthz", "none"),
    public("GET", "/readyz", "none"),
    public("GET", "/docs"),
    public("GET", "/openapi.json"),
    public("GET", "/api/{service}/docs"),
    public("GET", "/api/{service}/openapi.json"),
    # The ingress checks the signature itself, limits refused pushes per IP and pushes per partner.
    public("POST", "/webhooks/volunteer", "none"),
    public("POST", "/api/identity/residents"),
    public("POST", "/api/identity/auth/login", "login"),
    public("POST", "/api/identity/auth/sms-code", "login"),
    public("POST", "/api/identity/auth/sms-login", "login"),
    public("POST", "/api/identity/auth/wechat", "login"),
    public("POST", "/api/identity/auth/refresh"),
    public("POST", "/api/identity/auth/logout"),
    public("GET", "/api/identity/.well-known/jwks.json"),
    public("GET", "/api/identity/org-units"),
    public("GET", "/api/points/communities/{community_id}/rules"),
    public("GET", "/api/points/communities/{community_id}/leaderboard"),
    public("GET", "/api/points/communities/{community_id}/publicity"),
    public("GET", "/api/points/communities/{community_id}/settings"),
    public("GET", "/api/notices/public/**"),
    public("GET", "/api/petitions/public"),  # a community's board (?community_id=)
    public("GET", "/api/petitions/public/**"),
    # Images of petitions on the public board; the service serves the rest only to those
    # who may see the petition (404 to anyone else, with or without a token).
    public("GET", "/api/petitions/attachments/{attachment_id}"),
    public("GET", "/api/petitions/open311/**"),
    # Evidence photos of claims in public notice (公示), for the public board; points serves
    # the rest only to the claimant and the community's staff (404 to anyone else).
    public("GET", "/api/points/evidence/{evidence_id}"),
    # Pictures of the mall's items on the shelf; the mall serves an off-shelf item's only to
    # staff covering its community (404 to anyone else, with or without a token).
    public("GET", "/api/mall/items/{item_id}/image"),
    # Open311 GeoReport v2 for partners' clients: reads are open; a POST carries a partner
    # api_key, which petitions checks, and is limited per client IP here.
    public("GET", "/open311/v2/**"),
    public("POST", "/open311/v2/**", "open311"),
    # The residents' H5 app: its page and bundles (a page load fetches a dozen files; many
    # residents of a village share one address, so they are not counted per IP).
    public("GET", "/", "none"),
    public("GET", "/index.html", "none"),
    public("GET", "/favicon.ico", "none"),
    public("GET", "/assets/**", "none"),
    public("GET", "/static/**", "none"),
    # The staff console: its page and bundles (the API calls it makes carry staff tokens).
    public("GET", "/console", "none"),
    public("GET", "/console/", "none"),
    public("GET", "/console/assets/**", "none"),
)


# A service's own probes and metrics are for the platform, not the public door: any proxied
# path ending in one of them is 404 here, whatever the service would have made of it.
UPSTREAM_INTERNAL = re.compile(r"^/api/[^/]+/(?:.*/)?(?:metrics|healthz|readyz)/*$", re.IGNORECASE)
LOOPBACK = frozenset({"127.0.0.1", "::1"})


def upstream_internal(path: str) -> bool:
    return UPSTREAM_INTERNAL.match(path) is not None


def metrics_allowed(scope: Scope, token: str | None) -> bool:
    """The gateway's /metrics: loopback peers, or a caller holding the metrics token."""
    if client_ip(scope) in LOOPBACK:
        return True
    given = bearer_token(Headers(scope=scope))
    return token is not None and given is not None and hmac.compare_digest(given, token)


METRICS_ROUTE = public("GET", "/metrics", "none")  # allowed by metrics_allowed, not the list


# Remembered per (method, path), bounded: the same few paths come again and again, and
# trying them against the whole list is work repeated on every request.
@functools.lru_cache(maxsize=4096)
def public_route(method: str, path: str) -> PublicRoute | None:
    """The allowlist entry for this request, or None when it needs a token."""
    return next((r for r in PUBLIC_ROUTES if r.matches(method, path)), None)


def has_dot_segment(path: str) -> bool:
    """`.` or `..` segments could make a public-looking path mean another route upstream."""
    return any(segment in {".", ".."} for segment in path.split("/"))


def bearer_token(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def client_ip(scope: Scope) -> str:
    """The peer's address: the gateway is the public door, so the peer is the client."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class EdgeGuard:
    """Pure ASGI middleware (streamed bodies pass untouched): tokens and rate limits first.

    A caller it lets through is on `request.state.principal` (None when anonymous).
    Refusals are counted against the rate limits too, so a flood of bad tokens gets 429.
    """

    def __init__(
        self, app: ASGIApp, *, limits: RateLimits, metrics_token: str | None = None
    ) -> None:
        self.app = app
        self.limits = limits
        self.metrics_token = metrics_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = await self.screen(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def screen(self, scope: Scope) -> Response | None:
        """A refusal to answer with, or None when the request may go on (its caller on
        `scope["state"]["principal"]`)."""
        method, path = scope["method"], scope["path"]
        if has_dot_segment(path):
            return problem(400, detail="请求路径无效")
        if upstream_internal(path) or (
            path == "/metrics" and not metrics_allowed(scope, self.metrics_token)
        ):
            return problem(404, detail="未找到")
        route = public_route(method, path)
        if path == "/metrics":
            route = METRICS_ROUTE
        caller, refused = await _identify(scope, required=route is None)
        wait = await self.limits.retry_after(
            throttle=route.throttle if route else "standard",
            ip=client_ip(scope),
            person=caller.sub if caller else None,
        )
        if wait is not None:
            return problem(
                429, detail="请求过于频繁，请稍后再试", headers={"Retry-After": str(wait)}
            )
        if refused is not None:
            return problem(
                refused.status, title=refused.title, detail=refused.detail, **refused.extra
            )
        scope.setdefault("state", {})["principal"] = caller
        return None


async def _identify(scope: Scope, *, required: bool) -> tuple[Principal | None, DomainError | None]:
    """The caller if a good token came; on a public route a bad or missing one is no error."""
    token = bearer_token(Headers(scope=scope))
    if token is None:
        return None, InvalidToken("请先登录", challenge=CHALLENGE_LOGIN) if required else None
    try:
        claims = await _verifier(scope).verify(token)
        # Per request, after verification: a disabled account or a changed role applies here.
        return principal_of(scope["app"].state, claims), None
    except (InvalidToken, AuthUnavailable) as exc:
        return None, exc if required else None


def _verifier(scope: Scope) -> TokenVerifier:
    verifier: TokenVerifier | None = getattr(scope["app"].state, "token_verifier", None)
    if verifier is None:
        raise RuntimeError("install_routing(app, settings) did not run for this app")
    return verifier
