"""Routing `/api/<service>/...` to the service's replicas: streamed both ways, retried safely.

`install_routing(app, settings)` adds the edge check (tokens, rate limits) and one route per
service; `close_routing(app)` closes the pooled client at shutdown.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

import anyio
import httpx
from fastapi import APIRouter, FastAPI, Request
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from gateway.config import Settings
from gateway.edge import EdgeGuard, path_pattern
from gateway.headers import SecurityHeaders
from gateway.limits import RateLimits
from gateway.upstreams import replica_pools
from kit.deps import install_token_verifier
from kit.logging import request_id_var
from kit.problems import problem
from kit.tracing import current_traceparent
from kit.uploads import MIB, MULTIPART_SLACK

log = logging.getLogger("gateway.proxy")

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]
# Safe to send to another replica after a connection error; POST and PATCH never are.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Below uvicorn's default --timeout-keep-alive (5 s), which every service runs with.
UPSTREAM_KEEPALIVE_SECONDS = 4.0
# Long-lived event streams: no read timeout, the upstream may stay quiet between events.
STREAM_PATHS = frozenset({"/api/notices/inbox/stream", "/api/inbox/stream"})

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


# RFC 9110 §7.6.1: these describe one connection, not the message, so never cross the proxy.
HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"te", b"trailer", b"transfer-encoding", b"upgrade"}
)
# Set afresh on the way up; the gateway's own server adds Date, Server and the request id.
REPLACED_UP = frozenset({b"host", b"x-request-id", b"traceparent", b"x-forwarded-for"})
REPLACED_DOWN = frozenset({b"date", b"server", b"x-request-id"})
TRACEPARENT = re.compile(r"^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$")

RawHeaders = list[tuple[bytes, bytes]]


def end_to_end(headers: Iterable[tuple[bytes, bytes]]) -> RawHeaders:
    """The headers minus hop-by-hop ones, Proxy-* ones and those `Connection` names."""
    pairs = [(k.lower(), v) for k, v in headers]
    named = {t.strip() for k, v in pairs if k == b"connection" for t in v.lower().split(b",")}
    return [
        (k, v)
        for k, v in pairs
        if k not in HOP_BY_HOP and k not in named and not k.startswith(b"proxy-")
    ]


def upstream_headers(
    headers: Iterable[tuple[bytes, bytes]], *, request_id: str, client_ip: str
) -> RawHeaders:
    """What goes up: end-to-end headers, the request id, a traceparent, our X-Forwarded-For."""
    pairs = end_to_end(headers)
    incoming = dict(pairs)
    trace = incoming.get(b"traceparent", b"").decode("latin-1")
    return [(k, v) for k, v in pairs if k not in REPLACED_UP] + [
        (b"x-request-id", request_id.encode("latin-1")),
        (b"traceparent", (trace if TRACEPARENT.match(trace) else current_traceparent()).encode()),
        (b"x-forwarded-for", forwarded_for(pairs, client_ip).encode("latin-1")),
    ]


def forwarded_for(headers: Iterable[tuple[bytes, bytes]], client_ip: str) -> str:
    """The X-Forwarded-For chain with the client appended, unless it already ends with it.

    Behind a load balancer named in uvicorn's --forwarded-allow-ips, uvicorn has already
    taken the client from the chain's end; listing it twice would only confuse readers.
    """
    chain = b",".join(v for k, v in headers if k == b"x-forwarded-for").decode("latin-1")
    hops = [h.strip() for h in chain.split(",") if h.strip()]
    if not hops or hops[-1] != client_ip:
        hops.append(client_ip)
    return ", ".join(hops)


class BodyTooLarge(Exception):
    """The request body went past max_body_bytes while streaming."""


def declared_too_large(headers: Iterable[tuple[bytes, bytes]], limit: int) -> bool:
    """True if Content-Length already says the body is over the limit (or is not a number)."""
    length = {k.lower(): v for k, v in headers}.get(b"content-length")
    return length is not None and (not length.isdigit() or int(length) > limit)


class LimitedBody:
    """A request body streamed up, refused past `limit` bytes; remembers whether it started."""

    def __init__(self, chunks: AsyncIterator[bytes], limit: int) -> None:
        self._chunks = chunks
        self._limit = limit
        self.started = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.started = True
        seen = 0
        async for chunk in self._chunks:
            seen += len(chunk)
            if seen > self._limit:
                raise BodyTooLarge
            yield chunk


def has_body(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    present = {k.lower(): v for k, v in headers}
    return b"transfer-encoding" in present or present.get(b"content-length", b"0") != b"0"


class UpstreamResponse(StreamingResponse):
    """The upstream's answer streamed down as it arrives; the upstream is closed however it ends."""

    def __init__(self, upstream: httpx.Response) -> None:
        super().__init__(upstream.aiter_raw(), status_code=upstream.status_code)
        self.raw_headers = [
            (k, v) for k, v in end_to_end(upstream.headers.raw) if k not in REPLACED_DOWN
        ]
        self._upstream = upstream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except ClientDisconnect:
            # ASGI 2.4 servers report a client that hung up mid-stream this way: no one is
            # left to answer, so there is nothing to do but let the upstream go.
            log.debug("client left mid-stream")
        finally:
            # Shielded: a client that hung up cancels us, and the connection must still go back.
            with anyio.CancelScope(shield=True):
                await self._upstream.aclose()


class Routing:
    """The pooled client and the replica pools; forwards one request to one service."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pools = replica_pools(
            {name: settings.urls_of(name) for name in settings.service_urls},
            cooldown_seconds=settings.replica_cooldown_seconds,
        )
        # No cap on open connections: event streams hold theirs for hours and must not starve
        # ordinary calls; idle keep-alive connections are what the pool bounds. An idle
        # connection is dropped here before the service's uvicorn closes it (its keep-alive
        # timeout is 5 s): reusing one the service has just closed answered 502 under load.
        self.client = httpx.AsyncClient(
            limits=httpx.Limits(
                max_connections=None,
                max_keepalive_connections=200,
                keepalive_expiry=UPSTREAM_KEEPALIVE_SECONDS,
            ),
            trust_env=False,
        )

    def timeout(self, request: Request) -> httpx.Timeout:
        streaming = request.url.path in STREAM_PATHS or "text/event-stream" in request.headers.get(
            "accept", ""
        )
        return httpx.Timeout(
            self.settings.upstream_timeout_seconds,
            connect=self.settings.upstream_connect_timeout_seconds,
            read=None if streaming else self.settings.upstream_timeout_seconds,
        )

    async def forward(
        self, service: str, request: Request, *, upstream_path: bytes | None = None
    ) -> Response:
        """`upstream_path` replaces the request's path upstream (its query is kept)."""
        raw = request.headers.raw
        limit = body_limit(request.method, request.url.path, self.settings.max_body_bytes)
        if declared_too_large(raw, limit):
            return _too_large(limit)
        body = LimitedBody(request.stream(), limit) if has_body(raw) else None
        headers = upstream_headers(
            raw,
            request_id=request_id_var.get() or uuid.uuid4().hex,
            client_ip=request.client.host if request.client else "unknown",
        )
        try:
            return await self._send(service, request, headers, body, upstream_path)
        except BodyTooLarge:
            return _too_large(limit)
        except ClientDisconnect:
            return problem(400, detail="客户端已断开")

    async def _send(
        self,
        service: str,
        request: Request,
        headers: RawHeaders,
        body: LimitedBody | None,
        upstream_path: bytes | None = None,
    ) -> Response:
        pool = self.pools[service]
        replicas = pool.attempt_order()
        if request.method not in IDEMPOTENT:
            replicas = replicas[:1]
        timeout = self.timeout(request).as_dict()
        refused: httpx.TransportError | None = None
        for base in replicas:
            if body is not None and body.started:
                break  # a body already on its way is never sent twice
            outgoing = httpx.Request(
                request.method,
                _target(base, request.scope, upstream_path),
                headers=headers,
                content=body,
                extensions={"timeout": timeout},
            )
            try:
                upstream = await self.client.send(outgoing, stream=True)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                pool.refused(base)
                log.warning("replica refused", extra={"service": service, "replica": base})
                refused = exc
                continue
            except httpx.TransportError as exc:
                return _failed(service, base, exc)
            pool.answered(base)
            return UpstreamResponse(upstream)
        return _failed(service, replicas[-1], refused)


def _target(base: str, scope: Scope, upstream_path: bytes | None = None) -> httpx.URL:
    """The upstream URL: the request's path (or `upstream_path`) and query exactly as the
    client encoded them."""
    url = httpx.URL(base)
    path = upstream_path or scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string", b"")
    return url.copy_with(
        raw_path=url.raw_path.rstrip(b"/") + path + (b"?" + query if query else b"")
    )


def _too_large(limit: int) -> Response:
    return problem(413, detail=f"请求体不能超过 {limit} 字节")


def _failed(service: str, replica: str, exc: httpx.TransportError | None) -> Response:
    """502 when the service is unreachable, 504 when it is too slow to connect or answer."""
    log.warning(
        "upstream failed", extra={"service": service, "replica": replica, "error": repr(exc)}
    )
    if isinstance(exc, httpx.TimeoutException):
        return problem(504, title="上游服务超时", detail=f"{service} 未能及时响应")
    return problem(502, detail=f"{service} 暂时无法访问")


def routing_router(services: Iterable[str]) -> APIRouter:
    """One catch-all route per known service, kept out of the OpenAPI document."""
    router = APIRouter(include_in_schema=False)
    for name in services:
        router.add_api_route(
            f"/api/{name}/{{path:path}}", _forwarder(name), methods=METHODS, name=f"proxy_{name}"
        )
        # The service's root too (POST/GET /api/petitions): else it answers a slash redirect.
        router.add_api_route(
            f"/api/{name}", _forwarder(name), methods=METHODS, name=f"proxy_{name}_root"
        )
    for alias, service in ALIASES.items():
        if service in services:
            for template in (f"/api/{alias}", f"/api/{alias}/{{path:path}}"):
                router.add_api_route(
                    template, _forwarder(service), methods=METHODS, name=f"proxy_{alias}"
                )
    if "petitions" in services:
        router.add_api_route(
            OPEN311_PREFIX + "{path:path}", forward_open311, methods=METHODS, name="open311"
        )
    return router


# Open311 GeoReport v2's public door: /open311/v2/... is the petitions service's
# /api/petitions/open311/v2/... (partners' clients expect the spec's short base URL).
OPEN311_PREFIX = "/open311/v2/"
OPEN311_UPSTREAM = b"/api/petitions/open311/v2/"


def open311_path(scope: Scope) -> bytes:
    """The petitions path of an /open311/v2/... request, as the client encoded the rest."""
    raw: bytes = scope.get("raw_path") or scope["path"].encode()
    return OPEN311_UPSTREAM + raw.removeprefix(OPEN311_PREFIX.encode())


async def forward_open311(request: Request) -> Response:
    routing: Routing = request.app.state.routing
    return await routing.forward("petitions", request, upstream_path=open311_path(request.scope))


def _forwarder(service: str) -> Callable[[Request], Awaitable[Response]]:
    # A closure, not a defaulted parameter: FastAPI would read that from the query string.
    async def forward(request: Request) -> Response:
        routing: Routing = request.app.state.routing
        return await routing.forward(service, request)

    return forward


def install_routing(app: FastAPI, settings: Settings) -> None:
    """Route `/api/<service>/...` through the edge check; call before the app first serves."""
    if app.middleware_stack is not None:
        raise RuntimeError("install_routing must run before the app starts serving")
    routing = Routing(settings)
    app.state.routing = routing
    install_token_verifier(app, settings)
    # Appended, so the guard sits inside kit's request-id middleware: refusals carry the id
    # and are counted in the request metrics like any other answer.
    metrics_token = settings.metrics_token.get_secret_value() if settings.metrics_token else None
    guard = Middleware(
        EdgeGuard, limits=RateLimits.from_settings(settings), metrics_token=metrics_token
    )
    app.user_middleware.append(guard)
    app.user_middleware.insert(0, Middleware(SecurityHeaders))  # outermost: on every answer
    app.include_router(routing_router(routing.pools))


async def close_routing(app: FastAPI) -> None:
    routing: Routing | None = getattr(app.state, "routing", None)
    if routing is not None:
        await routing.client.aclose()
