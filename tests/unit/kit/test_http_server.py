"""kit.http_server: writes gathered per loop turn, and uvicorn serving with it over loopback
(small answers, a large one, a stream, keep-alive, Connection: close)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from kit.http_server import JOIN_BELOW, GatheringTransport, OneWriteHttpTools


class Recording:
    """Stands in for a socket transport: what was written, call by call."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


async def test_writes_of_one_loop_turn_leave_as_one_and_later_ones_separately():
    real = Recording()
    gathering = GatheringTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
    gathering.write(b"HTTP/1.1 200 OK\r\n\r\n")
    gathering.write(b"body")
    assert real.writes == []
    await asyncio.sleep(0)
    assert real.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
    gathering.write(b"next")
    await asyncio.sleep(0)
    assert real.writes[1:] == [b"next"]
    assert gathering.get_extra_info("peername") == "info:peername"  # the rest passes through


async def test_large_writes_are_not_joined_and_close_sends_what_was_written_first():
    real = Recording()
    gathering = GatheringTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
    big = b"x" * JOIN_BELOW
    gathering.write(b"head")
    gathering.write(big)
    gathering.close()
    assert real.writes == [b"head", big] and real.closed
    await asyncio.sleep(0)
    assert real.writes == [b"head", big]  # the turn's flush finds nothing left


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        return
    path = scope["path"]
    body = b"x" * (3 * JOIN_BELOW) if path == "/large" else b'{"ok":true}'
    if path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for part in (b"a", b"b", b"c"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
async def base_url() -> AsyncIterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, http=OneWriteHttpTools, lifespan="off", log_config=None
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def test_uvicorn_serves_whole_answers_over_kept_alive_connections(base_url):
    async with httpx.AsyncClient(base_url=base_url) as client:
        for _ in range(3):
            assert (await client.get("/small")).json() == {"ok": True}
        assert (await client.get("/large")).content == b"x" * (3 * JOIN_BELOW)
        assert (await client.get("/stream")).content == b"abc"
        closing = await client.get("/small", headers={"Connection": "close"})
        assert closing.json() == {"ok": True} and closing.headers["connection"] == "close"
