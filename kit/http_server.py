"""uvicorn's httptools protocol with an answer's head and body leaving in one write.

uvicorn writes a response's status line and headers as soon as the app sends
`http.response.start`, and the body on `http.response.body`: two send() calls, two TCP
segments and, on the other side, often two wakeups and two reads for one small answer. Behind
the gateway that is paid twice per request (service → gateway → client). Here the writes a
connection makes within one turn of the event loop are gathered and leave together at the
end of that turn; nothing waits longer than that.

Every process serves with it: `uvicorn ... --http kit.http_server:OneWriteHttpTools`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Gathered writes up to this size are joined into one; larger ones go out as they came (an
# image's bytes are not copied to save one system call).
JOIN_BELOW = 64 * 1024


class GatheringTransport:
    """A transport whose writes within one loop turn are sent in one go."""

    __slots__ = ("_loop", "_pending", "_pending_bytes", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._pending_bytes = 0

    def write(self, data: bytes) -> None:
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(data)
        self._pending_bytes += len(data)

    def flush(self) -> None:
        pending, size = self._pending, self._pending_bytes
        if not pending:
            return
        self._pending, self._pending_bytes = [], 0
        if self._transport.is_closing():
            return
        if len(pending) == 1:
            self._transport.write(pending[0])
        elif size < JOIN_BELOW:
            self._transport.write(b"".join(pending))
        else:
            for data in pending:
                self._transport.write(data)

    def close(self) -> None:
        self.flush()  # what was written before close still goes out, as with the transport
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteHttpTools(HttpToolsProtocol):
    """HttpToolsProtocol over a GatheringTransport."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(GatheringTransport(transport, self.loop))  # type: ignore[arg-type]
