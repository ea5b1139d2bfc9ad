"""Sending one request to a service's replicas and its answer back down, as plain ASGI.

No Starlette Request or StreamingResponse on this path, and the lean keep-alive client of
gateway.upstream below it: profiled under load, httpx's pool (a poll() per pooled connection
per request), StreamingResponse's task group per answer and then aiohttp's request machinery
were most of what the gateway did.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gateway.answers import NotStarted, relay_answer
from gateway.answers import end_to_end as end_to_end
from gateway.config import Settings
from gateway.upstream import (
    ConnectFailed,
    Connection,
    Pool,
    UpstreamError,
    UpstreamTimeout,
    request_head,
    send_body,
)
from gateway.upstreams import replica_pools
from kit import tracing
from kit.problems import problem

log = logging.getLogger("gateway.proxy")

RawHeaders = list[tuple[bytes, bytes]]

# Safe to send to another replica after a connection error; POST and PATCH never are.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Below uvicorn's default --timeout-keep-alive (5 s), which every service runs with.
UPSTREAM_KEEPALIVE_SECONDS = 4.0
# Long-lived event streams: no read timeout, the upstream may stay quiet between events.
STREAM_PATHS = frozenset({"/api/notices/inbox/stream", "/api/inbox/stream"})
# Not sent up: the gateway sends a body without waiting for a 100 Continue.
NOT_SENT_UP = frozenset({b"expect"})


class BodyTooLarge(Exception):
    """The request body went past max_body_bytes while streaming."""


class LimitedBody:
    """A request body streamed up, refused past `limit` bytes; remembers whether it started
    and why it stopped (the client library reports a failed upload as its own error)."""

    def __init__(self, chunks: AsyncIterator[bytes], limit: int) -> None:
        self._chunks = chunks
        self._limit = limit
        self.started = False
        self.failure: Exception | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.started = True
        seen = 0
        try:
            async for chunk in self._chunks:
                seen += len(chunk)
                if seen > self._limit:
                    raise BodyTooLarge
                yield chunk
        except (BodyTooLarge, ClientDisconnect) as exc:
            self.failure = exc
            raise


async def request_body(receive: Receive) -> AsyncIterator[bytes]:
    """The request's body as the server hands it over; ClientDisconnect if the client left."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        if body := message.get("body", b""):
            yield body
        if not message.get("more_body", False):
            return


class Routing:
    """The replica pools and a keep-alive pool per replica; forwards one request to one
    service."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pools = replica_pools(
            {name: settings.urls_of(name) for name in settings.service_urls},
            cooldown_seconds=settings.replica_cooldown_seconds,
        )
        # No cap on open connections: event streams hold theirs for hours and must not
        # starve ordinary calls. No cookies are kept: each request carries only its own.
        self._upstreams: dict[str, tuple[Pool, bytes]] = {}

    def upstream(self, base: str) -> tuple[Pool, bytes]:
        """The keep-alive pool of one replica (`http://host:port`) and its Host header."""
        found = self._upstreams.get(base)
        if found is None:
            url = urlsplit(base)
            if url.scheme != "http" or url.hostname is None:
                raise ValueError(f"an upstream is http://host[:port], not {base!r}")
            pool = Pool(
                url.hostname,
                url.port or 80,
                keepalive=UPSTREAM_KEEPALIVE_SECONDS,
                connect_timeout=self.settings.upstream_connect_timeout_seconds,
            )
            found = self._upstreams[base] = (pool, url.netloc.encode("latin-1"))
        return found

    async def close(self) -> None:
        for pool, _ in self._upstreams.values():
            pool.close()

    def read_timeout(self, scope: Scope) -> float | None:
        """None for event streams: the upstream may stay quiet between events."""
        accept = next((v for k, v in scope["headers"] if k == b"accept"), b"")
        if scope["path"] in STREAM_PATHS or b"text/event-stream" in accept:
            return None
        return self.settings.upstream_timeout_seconds

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
    ) -> None:
        """Send the request up and the answer down (problem+json when no replica answered).

        Raises BodyTooLarge or ClientDisconnect when the request's body failed on its way up.
        """
        read_timeout = self.read_timeout(scope)
        found = await self._send(service, scope, headers, body, upstream_path, read_timeout)
        if isinstance(found, Response):
            await found(scope, receive, send)
            return
        base, conn, status, answer_headers = found
        pool, _ = self.upstream(base)
        try:
            await relay_answer(conn, status, answer_headers, receive, send)
        except NotStarted as exc:
            await _failed(service, base, exc.error)(scope, receive, send)
        finally:
            # A whole answer hands its connection back to the pool; one cut short closes it.
            if conn.complete:
                pool.release(conn)
            else:
                conn.close()

    async def _send(
        self,
        service: str,
        scope: Scope,
        headers: RawHeaders,
        body: LimitedBody | None,
        upstream_path: bytes | None,
        read_timeout: float | None,
    ) -> tuple[str, Connection, int, RawHeaders] | Response:
        pool = self.pools[service]
        method: str = scope["method"]
        replicas = pool.attempt_order()
        if method not in IDEMPOTENT:
            replicas = replicas[:1]
        target = upstream_path or scope.get("raw_path") or scope["path"].encode()
        if query := scope.get("query_string", b""):
            target += b"?" + query
        sent = [(k, v) for k, v in headers if k not in NOT_SENT_UP]
        refused: Exception | None = None
        for base in replicas:
            if body is not None and body.started:
                break  # a body already on its way is never sent twice
            try:
                with tracing.calling(method, base + target.decode("latin-1")) as traceparent:
                    up = sent if traceparent is None else with_traceparent(sent, traceparent)
                    conn, status, answer = await self._exchange(
                        base, method, target, up, body, read_timeout
                    )
            except ConnectFailed as exc:
                pool.refused(base)
                log.warning("replica refused", extra={"service": service, "replica": base})
                refused = exc
                continue
            except UpstreamError as exc:
                return _failed(service, base, exc)
            pool.answered(base)
            return base, conn, status, answer
        return _failed(service, replicas[-1], refused)

    async def _exchange(
        self,
        base: str,
        method: str,
        target: bytes,
        headers: RawHeaders,
        body: LimitedBody | None,
        read_timeout: float | None,
    ) -> tuple[Connection, int, RawHeaders]:
        """One request on a pooled connection, up to its answer's head. A reused connection
        the service closed before answering is retried once on a new one, for a request that
        is safe to repeat and carries no body."""
        pool, host = self.upstream(base)
        chunked = body is not None and all(k != b"content-length" for k, _ in headers)
        head = request_head(method, target, host, headers, chunked=chunked)
        for attempt in (1, 2):
            conn = await pool.acquire(fresh=attempt > 1)
            try:
                conn.start(head, head_only=method == "HEAD", read_timeout=read_timeout)
                if body is not None:
                    await send_body(conn, body, chunked=chunked)
                status, answer = await conn.head()
                return conn, status, answer
            except UpstreamTimeout:
                conn.close()
                raise  # the service has the request and is slow: never sent twice
            except UpstreamError:
                conn.close()
                stale = conn.reused and not conn.answered_bytes
                if attempt == 1 and stale and body is None and method in IDEMPOTENT:
                    continue
                raise
            except BaseException:
                conn.close()
                raise
        raise AssertionError("unreachable")  # pragma: no cover


def with_traceparent(headers: RawHeaders, traceparent: str) -> RawHeaders:
    kept = [(k, v) for k, v in headers if k != b"traceparent"]
    return [*kept, (b"traceparent", traceparent.encode("ascii"))]


def _failed(service: str, replica: str, exc: Exception | None) -> Response:
    """502 when the service is unreachable, 504 when it is too slow to connect or answer."""
    log.warning(
        "upstream failed", extra={"service": service, "replica": replica, "error": repr(exc)}
    )
    if isinstance(exc, TimeoutError):
        return problem(504, title="上游服务超时", detail=f"{service} 未能及时响应")
    return problem(502, detail=f"{service} 暂时无法访问")
