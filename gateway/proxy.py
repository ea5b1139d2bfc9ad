"""Routing `/api/<service>/...` to the service's replicas: streamed both ways, retried safely.

`install_routing(app, settings)` adds the edge check (tokens, rate limits) and the proxy, a
pure ASGI layer inside it that answers every `/api/<service>/...` request itself (no router,
no FastAPI request); `close_routing(app)` closes the pooled client at shutdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.config import Settings
from gateway.door import Door
from gateway.edge import EdgeGuard, path_pattern
from gateway.edge import client_ip as peer_ip
from gateway.headers import SecurityHeaders
from gateway.limits import RateLimits
from gateway.relay import (
    BodyTooLarge,
    LimitedBody,
    RawHeaders,
    Routing,
    end_to_end,
    request_body,
)
from kit.deps import install_token_verifier
from kit.logging import new_request_id, request_id_var
from kit.problems import problem
from kit.tracing import current_traceparent
from kit.uploads import MIB, MULTIPART_SLACK

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
# Resources a service serves under their own top-level prefix, path unchanged upstream:
# /api/activities/... and /api/inbox/... are the notices service's (issue 11's fixed paths).
ALIASES: dict[str, str] = {"activities": "notices", "inbox": "notices"}

# Routes that take one file: their body may carry the file's limit plus its multipart
# framing instead of max_body_bytes. The service checks the file itself and reads no more
# (petitions: services/petitions/attachments/rules.py, MAX_BYTES; the mall's item images
# are held to no more than that by the mall itself).
UPLOADS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("POST", path_pattern("/api/petitions/{petition_id}/attachments"), 5 * MIB + MULTIPART_SLACK),
    ("PUT", path_pattern("/api/mall/items/{item_id}/image"), 5 * MIB + MULTIPART_SLACK),
)


def body_limit(method: str, path: str, default: int) -> int:
    """How many bytes a request's body may carry on its way to a service."""
    return next((n for m, p, n in UPLOADS if m == method and p.fullmatch(path)), default)


# Set afresh on the way up (the way down: gateway.relay.REPLACED_DOWN).
REPLACED_UP = frozenset({b"host", b"x-request-id", b"traceparent", b"x-forwarded-for"})
TRACEPARENT = re.compile(r"^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$")


def upstream_headers(
    headers: Iterable[tuple[bytes, bytes]], *, request_id: str, client_ip: str
) -> RawHeaders:
    """What goes up: end-to-end headers, the request id, a traceparent, our X-Forwarded-For."""
    kept: RawHeaders = []
    trace, chain = "", []
    for name, value in end_to_end(headers):
        if name not in REPLACED_UP:
            kept.append((name, value))
        elif name == b"traceparent":
            trace = value.decode("latin-1")
        elif name == b"x-forwarded-for":
            chain.append(value.decode("latin-1"))
    kept += (
        (b"x-request-id", request_id.encode("latin-1")),
        (b"traceparent", (trace if TRACEPARENT.match(trace) else current_traceparent()).encode()),
        (b"x-forwarded-for", forwarded_for(chain, client_ip).encode("latin-1")),
    )
    return kept


def forwarded_for(chain: Iterable[str], client_ip: str) -> str:
    """The X-Forwarded-For chain (its header values in order) with the client appended,
    unless it already ends with it.

    Behind a load balancer named in uvicorn's --forwarded-allow-ips, uvicorn has already
    taken the client from the chain's end; listing it twice would only confuse readers.
    """
    hops = [h.strip() for h in ",".join(chain).split(",") if h.strip()]
    if not hops or hops[-1] != client_ip:
        hops.append(client_ip)
    return ", ".join(hops)


def declared_too_large(headers: Iterable[tuple[bytes, bytes]], limit: int) -> bool:
    """True if Content-Length already says the body is over the limit (or is not a number)."""
    length = {k.lower(): v for k, v in headers}.get(b"content-length")
    return length is not None and (not length.isdigit() or int(length) > limit)


def has_body(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    present = {k.lower(): v for k, v in headers}
    return b"transfer-encoding" in present or present.get(b"content-length", b"0") != b"0"


# Open311 GeoReport v2's public door: /open311/v2/... is the petitions service's
# /api/petitions/open311/v2/... (partners' clients expect the spec's short base URL).
OPEN311_PREFIX = "/open311/v2/"
OPEN311_UPSTREAM = b"/api/petitions/open311/v2/"


def open311_path(scope: Scope) -> bytes:
    """The petitions path of an /open311/v2/... request, as the client encoded the rest."""
    raw: bytes = scope.get("raw_path") or scope["path"].encode()
    return OPEN311_UPSTREAM + raw.removeprefix(OPEN311_PREFIX.encode())


@dataclass(frozen=True)
class ProxiedRoute:
    """Where a request goes; `path` is its template, the label the request metrics use."""

    path: str
    service: str
    open311: bool = False


class ProxyTable:
    """`/api/<service>` and everything below it, the aliases, and Open311's door."""

    def __init__(self, services: Iterable[str]) -> None:
        names = set(services)
        prefixes = {name: name for name in names}
        prefixes.update({a: s for a, s in ALIASES.items() if s in names})
        # The service's root too (POST/GET /api/petitions), not only what is below it.
        self._routes = {
            prefix: (
                ProxiedRoute(f"/api/{prefix}", service),
                ProxiedRoute(f"/api/{prefix}/{{path:path}}", service),
            )
            for prefix, service in prefixes.items()
        }
        self._open311 = (
            ProxiedRoute(OPEN311_PREFIX + "{path:path}", "petitions", open311=True)
            if "petitions" in names
            else None
        )

    def route(self, path: str) -> ProxiedRoute | None:
        if path.startswith("/api/"):
            prefix, below, _ = path[5:].partition("/")
            routes = self._routes.get(prefix)
            return None if routes is None else routes[1 if below else 0]
        if path.startswith(OPEN311_PREFIX):
            return self._open311
        return None


class Forwarder(Protocol):
    async def forward(
        self,
        service: str,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        headers: RawHeaders,
        body: LimitedBody | None,
        upstream_path: bytes | None = None,
    ) -> None: ...


class ProxyDispatch:
    """Pure ASGI: a proxied request is forwarded here, anything else goes on to the app."""

    def __init__(
        self, app: ASGIApp, *, routing: Forwarder, services: Iterable[str], max_body_bytes: int
    ) -> None:
        self.app = app
        self.routing = routing
        self.table = ProxyTable(services)
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self.table.route(scope["path"]) if scope["type"] == "http" else None
        if route is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = route
        await self.handle(route, scope, receive, send)

    async def handle(self, route: ProxiedRoute, scope: Scope, receive: Receive, send: Send) -> None:
        """Forward a request the table routed (405 for a method the proxy does not carry)."""
        if scope["method"] not in METHODS:
            answer = problem(405, headers={"Allow": ", ".join(METHODS)})
            await answer(scope, receive, send)
            return
        await self.forward(route, scope, receive, send)

    async def forward(
        self, route: ProxiedRoute, scope: Scope, receive: Receive, send: Send
    ) -> None:
        raw: RawHeaders = scope["headers"]
        limit = body_limit(scope["method"], scope["path"], self.max_body_bytes)
        if declared_too_large(raw, limit):
            await _too_large(limit)(scope, receive, send)
            return
        body = LimitedBody(request_body(receive), limit) if has_body(raw) else None
        headers = upstream_headers(
            raw, request_id=request_id_var.get() or new_request_id(), client_ip=peer_ip(scope)
        )
        try:
            await self.routing.forward(
                route.service,
                scope,
                receive,
                send,
                headers=headers,
                body=body,
                upstream_path=open311_path(scope) if route.open311 else None,
            )
        except BodyTooLarge:
            await _too_large(limit)(scope, receive, send)
        except ClientDisconnect:
            await problem(400, detail="客户端已断开")(scope, receive, send)


def _too_large(limit: int) -> JSONResponse:
    return problem(413, detail=f"请求体不能超过 {limit} 字节")


def install_routing(app: FastAPI, settings: Settings) -> None:
    """Route `/api/<service>/...` through the edge check; call before the app first serves.

    Proxied requests are answered by the Door, in front of the app's whole middleware stack;
    the gateway's own routes keep the stack: kit's request ids and metrics, the edge guard
    (appended, so it sits inside the request-id middleware: refusals carry the id and are
    counted like any other answer) and the security headers, outermost.
    """
    if app.middleware_stack is not None:
        raise RuntimeError("install_routing must run before the app starts serving")
    routing = Routing(settings)
    app.state.routing = routing
    install_token_verifier(app, settings)
    # One set of windows for both doors: a person's requests count together.
    limits = RateLimits.from_settings(settings)
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    app.user_middleware.append(Middleware(EdgeGuard, limits=limits, metrics_token=token))
    app.user_middleware.insert(0, Middleware(SecurityHeaders))  # outermost: on every answer
    build_stack = app.build_middleware_stack

    def with_door() -> ASGIApp:
        stack = build_stack()
        dispatch = ProxyDispatch(
            stack,
            routing=routing,
            services=list(routing.pools),
            max_body_bytes=settings.max_body_bytes,
        )
        guard = EdgeGuard(stack, limits=limits, metrics_token=token)
        return Door(stack, dispatch=dispatch, guard=guard, service="gateway")

    # Starlette builds the stack on the first request; the OpenTelemetry instrumentation
    # wraps this same method the same way.
    app.build_middleware_stack = with_door  # type: ignore[method-assign]


async def close_routing(app: FastAPI) -> None:
    routing: Routing | None = getattr(app.state, "routing", None)
    if routing is not None:
        await routing.close()
