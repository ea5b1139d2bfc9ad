"""Sending one request to a service's replicas and its answer back down, as plain ASGI.

No Starlette Request or StreamingResponse on this path and a pooled aiohttp client upstream:
profiled under load, httpx's pool (a poll() per pooled connection per request to see whether
it expired) and StreamingResponse's task group per answer were most of what the gateway did.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Iterable

import aiohttp
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from yarl import URL

from gateway.config import Settings
from gateway.upstreams import replica_pools
from kit.problems import problem

log = logging.getLogger("gateway.proxy")

RawHeaders = list[tuple[bytes, bytes]]

# RFC 9110 §7.6.1: these describe one connection, not the message, so never cross the proxy.
HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"te", b"trailer", b"transfer-encoding", b"upgrade"}
)
# The gateway's own server adds Date, Server and the request id on the way down.
REPLACED_DOWN = frozenset({b"date", b"server", b"x-request-id"})

# Safe to send to another replica after a connection error; POST and PATCH never are.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Below uvicorn's default --timeout-keep-alive (5 s), which every service runs with.
UPSTREAM_KEEPALIVE_SECONDS = 4.0
# Long-lived event streams: no read timeout, the upstream may stay quiet between events.
STREAM_PATHS = frozenset({"/api/notices/inbox/stream", "/api/inbox/stream"})
# An answer of at most this many declared bytes is read whole and sent down in one message.
WHOLE_ANSWER_BYTES = 256 * 1024
# What the client library would otherwise add on its own: the request goes up as it came.
NOT_ADDED = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")


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


def end_to_end(headers: Iterable[tuple[bytes, bytes]]) -> RawHeaders:
    """The headers minus hop-by-hop ones, Proxy-* ones and those `Connection` names."""
    pairs = [(k.lower(), v) for k, v in headers]
    named = {t.strip() for k, v in pairs if k == b"connection" for t in v.lower().split(b",")}
    return [
        (k, v)
        for k, v in pairs
        if k not in HOP_BY_HOP and k not in named and not k.startswith(b"proxy-")
    ]


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
    """The pooled client and the replica pools; forwards one request to one service."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pools = replica_pools(
            {name: settings.urls_of(name) for name in settings.service_urls},
            cooldown_seconds=settings.replica_cooldown_seconds,
        )
        self._client: aiohttp.ClientSession | None = None
        self._timeouts = {
            streaming: aiohttp.ClientTimeout(
                total=None,
                sock_connect=settings.upstream_connect_timeout_seconds,
                sock_read=None if streaming else settings.upstream_timeout_seconds,
            )
            for streaming in (False, True)
        }

    @property
    def client(self) -> aiohttp.ClientSession:
        """Made on first use, inside the server's event loop, as aiohttp requires."""
        if self._client is None:
            # No cap on open connections: event streams hold theirs for hours and must not
            # starve ordinary calls. An idle connection is dropped here before the service's
            # uvicorn closes it (its keep-alive timeout is 5 s): reusing one the service has
            # just closed answered 502 under load. No cookie jar: one person's Set-Cookie
            # must never ride along on another's request.
            self._client = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=0, keepalive_timeout=UPSTREAM_KEEPALIVE_SECONDS
                ),
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                skip_auto_headers=NOT_ADDED,
                max_field_size=65536,
                trust_env=False,
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()

    def timeout(self, scope: Scope) -> aiohttp.ClientTimeout:
        accept = next((v for k, v in scope["headers"] if k == b"accept"), b"")
        return self._timeouts[scope["path"] in STREAM_PATHS or b"text/event-stream" in accept]

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
        upstream = await self._send(service, scope, headers, body, upstream_path)
        if isinstance(upstream, Response):
            await upstream(scope, receive, send)
            return
        started = False

        async def send_down(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await relay_answer(upstream, receive, send_down)
        except (aiohttp.ClientError, TimeoutError) as exc:
            if started:
                raise  # cut off mid-answer: the client sees the connection end, as before
            await _failed(service, str(upstream.url.origin()), exc)(scope, receive, send)

    async def _send(
        self,
        service: str,
        scope: Scope,
        headers: RawHeaders,
        body: LimitedBody | None,
        upstream_path: bytes | None,
    ) -> aiohttp.ClientResponse | Response:
        pool = self.pools[service]
        method: str = scope["method"]
        replicas = pool.attempt_order()
        if method not in IDEMPOTENT:
            replicas = replicas[:1]
        timeout = self.timeout(scope)
        sent = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]
        refused: Exception | None = None
        for base in replicas:
            if body is not None and body.started:
                break  # a body already on its way is never sent twice
            try:
                upstream = await self.client.request(
                    method,
                    _target(base, scope, upstream_path),
                    headers=sent,
                    data=body,
                    timeout=timeout,
                    allow_redirects=False,
                )
            except Exception as exc:
                if body is not None and body.failure is not None:
                    raise body.failure from exc  # the client's upload, not the service, failed
                if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
                    pool.refused(base)
                    log.warning("replica refused", extra={"service": service, "replica": base})
                    refused = exc
                    continue
                if isinstance(exc, aiohttp.ClientError | TimeoutError):
                    return _failed(service, base, exc)
                raise
            pool.answered(base)
            return upstream
        return _failed(service, replicas[-1], refused)


def _target(base: str, scope: Scope, upstream_path: bytes | None = None) -> URL:
    """The upstream URL: the request's path (or `upstream_path`) and query exactly as the
    client encoded them."""
    path = upstream_path or scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string", b"")
    raw = path + (b"?" + query if query else b"")
    return URL(base.rstrip("/") + raw.decode("latin-1"), encoded=True)


async def relay_answer(upstream: aiohttp.ClientResponse, receive: Receive, send: Send) -> None:
    """The upstream's answer sent down: whole when small and declared, else streamed as it
    arrives; an answer of unknown length (an event stream) stops when the client leaves."""
    start = {
        "type": "http.response.start",
        "status": upstream.status,
        "headers": [(k, v) for k, v in end_to_end(upstream.raw_headers) if k not in REPLACED_DOWN],
    }
    try:
        length = upstream.content_length
        if length is not None and length <= WHOLE_ANSWER_BYTES:
            body = await upstream.read()
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})
        elif length is not None:
            await _pump(upstream, start, send)
        else:
            await _until_done_or_gone(_pump(upstream, start, send), receive)
    finally:
        # A whole answer hands its connection back to the pool; one cut short closes it.
        if upstream.content.at_eof():
            upstream.release()
        else:
            upstream.close()


async def _pump(upstream: aiohttp.ClientResponse, start: dict[str, object], send: Send) -> None:
    await send(start)
    async for chunk in upstream.content.iter_any():
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _until_done_or_gone(pump: Awaitable[None], receive: Receive) -> None:
    """Run the pump until it ends or the client hangs up, whichever comes first."""
    relaying = asyncio.ensure_future(pump)
    listening = asyncio.ensure_future(_client_gone(receive))
    try:
        await asyncio.wait({relaying, listening}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        listening.cancel()
        relaying.cancel()
    if relaying.done() and not relaying.cancelled():
        relaying.result()  # an upstream that failed mid-stream is raised, as before
    else:
        log.debug("client left mid-stream")


async def _client_gone(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _failed(service: str, replica: str, exc: Exception | None) -> Response:
    """502 when the service is unreachable, 504 when it is too slow to connect or answer."""
    log.warning(
        "upstream failed", extra={"service": service, "replica": replica, "error": repr(exc)}
    )
    if isinstance(exc, TimeoutError):
        return problem(504, title="上游服务超时", detail=f"{service} 未能及时响应")
    return problem(502, detail=f"{service} 暂时无法访问")
