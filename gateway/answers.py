"""An upstream's answer sent down as plain ASGI: whole when small, else streamed as it comes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable

from starlette.types import Receive, Send

from gateway.upstream import Connection, RawHeaders, UpstreamError

log = logging.getLogger("gateway.proxy")

# RFC 9110 §7.6.1: these describe one connection, not the message, so never cross the proxy.
HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"te", b"trailer", b"transfer-encoding", b"upgrade"}
)
# The gateway's own server adds Date, Server and the request id on the way down.
REPLACED_DOWN = frozenset({b"date", b"server", b"x-request-id"})

# An answer of at most this many declared bytes is read whole and sent down in one message.
WHOLE_ANSWER_BYTES = 256 * 1024


def end_to_end(headers: Iterable[tuple[bytes, bytes]]) -> RawHeaders:
    """The headers minus hop-by-hop ones, Proxy-* ones and those `Connection` names."""
    pairs = [(k.lower(), v) for k, v in headers]
    named = {t.strip() for k, v in pairs if k == b"connection" for t in v.lower().split(b",")}
    return [
        (k, v)
        for k, v in pairs
        if k not in HOP_BY_HOP and k not in named and not k.startswith(b"proxy-")
    ]


class NotStarted(Exception):
    """The answer failed before anything was sent down: the client can still get a problem."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


def content_length(headers: RawHeaders) -> int | None:
    value = next((v for k, v in headers if k == b"content-length"), None)
    return int(value) if value is not None and value.isdigit() else None


async def relay_answer(
    conn: Connection,
    status: int,
    headers: RawHeaders,
    receive: Receive,
    send: Send,
) -> None:
    """The upstream's answer sent down: whole when small and declared, else streamed as it
    arrives; an answer of unknown length (an event stream) stops when the client leaves.

    Raises NotStarted if it failed before anything was sent down."""
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [(k, v) for k, v in end_to_end(headers) if k not in REPLACED_DOWN],
    }
    length = content_length(headers)
    if conn.complete or (length is not None and length <= WHOLE_ANSWER_BYTES):
        try:
            body = await conn.read()
        except UpstreamError as exc:
            raise NotStarted(exc) from exc
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})
    elif length is not None:
        await _pump(conn, start, send)
    else:
        await _until_done_or_gone(_pump(conn, start, send), receive)


async def _pump(conn: Connection, start: dict[str, object], send: Send) -> None:
    await send(start)
    while True:
        chunk = await conn.chunk()
        if not chunk:
            break
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
