"""A lean HTTP/1.1 client for the proxy: keep-alive connections per replica, answers parsed by
httptools (llhttp, the parser uvicorn serves with).

Why not a client library: profiled under 32 busy connections, aiohttp's request machinery
(timers, tracing hooks, URL and request objects, its stream reader) cost about 180 µs of CPU
per proxied call, and this path about 35 µs; on two cores shared with the services that was
most of what the gateway cost them. Everything generic (parsing, chunked decoding) is the
parser's; this module only keeps connections and moves bytes.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterable
from typing import cast

import httptools

RawHeaders = list[tuple[bytes, bytes]]

# An answer's head may not exceed this (aiohttp's max_field_size before, per field).
MAX_HEAD_BYTES = 65536
# Body bytes queued from an upstream before its connection stops being read (the client
# below reads slower than the service writes): flow control, not a limit.
QUEUE_HIGH = 256 * 1024
QUEUE_LOW = 64 * 1024


class UpstreamError(Exception):
    """The upstream could not be reached, broke off, or answered what is not HTTP."""


class ConnectFailed(UpstreamError):
    """No connection was made (refused, unreachable, or too slow): nothing was sent."""


class UpstreamTimeout(UpstreamError, TimeoutError):
    """The upstream took longer than the timeout to answer or to send more."""


class ConnectTimeout(ConnectFailed, TimeoutError):
    """No connection within the connect timeout."""


class Connection(asyncio.Protocol):
    """One keep-alive connection; one exchange at a time: `start`, send the body, `head`,
    then `read`/`chunk` until the answer is complete."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()  # made by create_connection, in the loop
        self._parser = httptools.HttpResponseParser(self)
        self._transport: asyncio.Transport | None = None
        self._lost: Exception | None = None
        self._writable: asyncio.Future[None] | None = None  # set while writing is paused
        self.idle_since = 0.0
        self.reused = False
        # The read timeout: one timer per exchange, moved on lazily (see _on_timer).
        self._read_timeout: float | None = None
        self._deadline = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._reset(head_only=False)

    def _reset(self, *, head_only: bool) -> None:
        self._head_only = head_only
        self._status_headers: RawHeaders = []
        self._head_size = 0
        self._headed = False
        self._complete = False
        self._keep_alive = False
        self._chunks: deque[bytes] = deque()
        self._queued = 0
        self._paused_reading = False
        self._waiter: asyncio.Future[None] | None = None
        self.answered_bytes = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def connection_lost(self, exc: Exception | None) -> None:
        if self._lost is None:
            self._lost = exc or ConnectionResetError("the upstream closed the connection")
        self._stop_timer()
        self._wake()
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)

    def pause_writing(self) -> None:
        self._writable = self._loop.create_future()

    def resume_writing(self) -> None:
        if self._writable is not None and not self._writable.done():
            self._writable.set_result(None)
        self._writable = None

    def data_received(self, data: bytes) -> None:
        self.answered_bytes = True
        if self._read_timeout is not None:
            self._deadline = self._loop.time() + self._read_timeout
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(UpstreamError(f"the upstream's answer is not HTTP/1.1: {exc}"))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self._head_size += len(name) + len(value)
        if self._head_size > MAX_HEAD_BYTES:
            raise UpstreamError("the upstream's answer head is too large")
        self._status_headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self._headed = True
        if self._head_only:  # no body follows an answer to HEAD, whatever it declares
            self._complete = True
        self._wake()

    def on_body(self, body: bytes) -> None:
        self._chunks.append(body)
        self._queued += len(body)
        if self._queued > QUEUE_HIGH and self._transport is not None:
            self._transport.pause_reading()
            self._paused_reading = True
        self._wake()

    def on_message_complete(self) -> None:
        # Asked now: once the callback returns, the parser is reset for the next answer.
        self._keep_alive = self._parser.should_keep_alive()
        self._complete = True
        self._stop_timer()
        self._wake()

    # the exchange
    @property
    def usable(self) -> bool:
        return self._lost is None and self._transport is not None

    @property
    def reusable(self) -> bool:
        """Complete, and neither side said the connection ends with this answer."""
        return self.usable and self._complete and self._keep_alive and not self._head_only

    def start(self, head: bytes, *, head_only: bool, read_timeout: float | None) -> None:
        """Begin an exchange by sending the request's head. From then on, an upstream silent
        for `read_timeout` seconds (None: no limit, event streams) fails it with
        UpstreamTimeout."""
        self._reset(head_only=head_only)
        self._read_timeout = read_timeout
        if read_timeout is not None:
            self._deadline = self._loop.time() + read_timeout
            self._timer = self._loop.call_at(self._deadline, self._on_timer)
        self.write(head)

    def write(self, data: bytes) -> None:
        if self._lost is not None or self._transport is None:
            raise UpstreamError("the upstream closed the connection") from self._lost
        self._transport.write(data)

    async def drain(self) -> None:
        """Wait while the kernel's buffer is full; returns early once an answer has begun."""
        if self._writable is not None and not self._headed:
            await self._writable

    @property
    def headed(self) -> bool:
        return self._headed

    async def head(self) -> tuple[int, RawHeaders]:
        while not self._headed:
            await self._wait()
        return self._parser.get_status_code(), self._status_headers

    async def chunk(self) -> bytes:
        """The next piece of the body; b"" once it is complete."""
        while not self._chunks:
            if self._complete:
                return b""
            await self._wait()
        data = self._chunks.popleft()
        self._queued -= len(data)
        if self._paused_reading and self._queued < QUEUE_LOW and self._transport is not None:
            self._paused_reading = False
            self._transport.resume_reading()
            if self._read_timeout is not None:  # the wait was ours, not the upstream's
                self._deadline = self._loop.time() + self._read_timeout
        return data

    async def read(self) -> bytes:
        parts = []
        while data := await self.chunk():
            parts.append(data)
        return b"".join(parts)

    @property
    def complete(self) -> bool:
        return self._complete

    def close(self) -> None:
        self._stop_timer()
        if self._transport is not None:
            self._transport.close()
        if self._lost is None:
            self._lost = ConnectionResetError("closed by the gateway")

    def _wait(self) -> asyncio.Future[None]:
        if isinstance(self._lost, UpstreamError):
            raise self._lost
        if self._lost is not None:
            raise UpstreamError("the upstream closed the connection") from self._lost
        self._waiter = self._loop.create_future()
        return self._waiter

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _on_timer(self) -> None:
        """Fail the exchange if the upstream has been silent for the whole timeout; else
        wait for what is left of it (data moves the deadline on, not the timer: cheaper)."""
        self._timer = None
        if self._complete or self._lost is not None or self._read_timeout is None:
            return
        if self._loop.time() < self._deadline:
            self._timer = self._loop.call_at(self._deadline, self._on_timer)
            return
        self._fail(UpstreamTimeout(f"no answer within {self._read_timeout} s"))

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fail(self, exc: Exception) -> None:
        self._lost = exc
        self.close()
        self._wake()


class Pool:
    """Idle keep-alive connections to one replica, newest first; none older than `keepalive`
    seconds is used again (the service's uvicorn closes its idle ones after 5 s, and a
    connection it is just closing would fail the request sent on it)."""

    def __init__(self, host: str, port: int, *, keepalive: float, connect_timeout: float) -> None:
        self.host, self.port = host, port
        self._keepalive = keepalive
        self._connect_timeout = connect_timeout
        self._idle: list[Connection] = []

    async def acquire(self, *, fresh: bool = False) -> Connection:
        loop = asyncio.get_running_loop()
        now = loop.time()
        while self._idle and not fresh:
            conn = self._idle.pop()
            if conn.usable and now - conn.idle_since < self._keepalive:
                conn.reused = True
                return conn
            conn.close()
        try:
            async with asyncio.timeout(self._connect_timeout):
                _, conn = await loop.create_connection(Connection, self.host, self.port)
        except TimeoutError as exc:
            raise ConnectTimeout(f"connecting to {self.host}:{self.port} timed out") from exc
        except OSError as exc:
            raise ConnectFailed(f"{self.host}:{self.port} refused: {exc}") from exc
        return conn

    def release(self, conn: Connection) -> None:
        """Back to the pool if it can carry another request, else closed."""
        if not conn.reusable:
            conn.close()
            return
        now = asyncio.get_running_loop().time()
        conn.idle_since = now
        self._idle.append(conn)
        while self._idle and now - self._idle[0].idle_since >= self._keepalive:
            self._idle.pop(0).close()

    def close(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()


def request_head(
    method: str, target: bytes, host: bytes, headers: RawHeaders, *, chunked: bool
) -> bytes:
    """The request line and headers as they go on the wire."""
    parts = [method.encode("ascii"), b" ", target, b" HTTP/1.1\r\nhost: ", host, b"\r\n"]
    for name, value in headers:
        parts += (name, b": ", value, b"\r\n")
    if chunked:
        parts.append(b"transfer-encoding: chunked\r\n")
    parts.append(b"\r\n")
    return b"".join(parts)


async def send_body(conn: Connection, chunks: AsyncIterable[bytes], *, chunked: bool) -> None:
    """Stream a request body up (chunk-framed when its length was not declared); stops early
    when the upstream has already begun its answer (it will not read the rest)."""
    async for data in chunks:
        if conn.headed:
            return
        if data:
            conn.write(b"%x\r\n%b\r\n" % (len(data), data) if chunked else data)
            await conn.drain()
    if chunked and not conn.headed:
        conn.write(b"0\r\n\r\n")
