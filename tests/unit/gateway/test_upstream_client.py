"""The proxy's keep-alive client (gateway.upstream) against scripted HTTP/1.1 servers on
loopback: connection reuse, a connection the service closes as a request arrives, HEAD,
chunked and early answers, and answers that are not HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from gateway.config import Settings
from gateway.proxy import has_body
from gateway.relay import LimitedBody, Routing, request_body

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]
OK = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok"


@dataclass
class Scripted:
    url: str
    connections: int = 0
    requests: list[bytes] = field(default_factory=list)


@asynccontextmanager
async def scripted(handler: Handler) -> AsyncIterator[Scripted]:
    """A server on 127.0.0.1 that runs `handler(reader, writer, n)` for its n-th connection."""
    state = Scripted(url="")

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state.connections += 1
        try:
            await handler(reader, writer, state.connections)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield state
    finally:
        server.close()


async def read_request(reader: asyncio.StreamReader, state: Scripted) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    state.requests.append(head.split(b"\r\n", 1)[0])
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            await reader.readexactly(int(value))
    return head


@asynccontextmanager
async def proxied(upstream: str, read_timeout: float = 2) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app that forwards every request to `upstream` through Routing."""
    settings = Settings(service_urls={"points": [upstream]}, upstream_timeout_seconds=read_timeout)
    routing = Routing(settings)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = LimitedBody(request_body(receive), 1 << 24) if has_body(scope["headers"]) else None
        headers = [(k, v) for k, v in scope["headers"] if k != b"host"]
        await routing.forward("points", scope, receive, send, headers=headers, body=body)

    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield client
    finally:
        await routing.close()


async def test_sequential_requests_share_one_kept_alive_connection():
    async def handler(reader, writer, n):
        while True:
            await read_request(reader, state)
            writer.write(OK)

    async with scripted(handler) as state, proxied(state.url) as client:
        for _ in range(5):
            assert (await client.get("/api/points/x")).text == "ok"
    assert state.connections == 1
    assert len(state.requests) == 5


@pytest.mark.parametrize(("method", "status", "sent"), [("GET", 200, 3), ("POST", 502, 2)])
async def test_a_connection_closed_as_a_request_arrives_is_retried_only_when_safe(
    method, status, sent
):
    """The service drops its kept-alive connection just as the second request comes: a GET
    goes again on a new connection; a POST (which the service may have acted on) does not."""

    async def handler(reader, writer, n):
        await read_request(reader, state)
        if n == 1:
            writer.write(OK)
            await read_request(reader, state)  # read, and closed without an answer
            return
        writer.write(OK)

    content = b"a" if method == "POST" else None
    async with scripted(handler) as state, proxied(state.url) as client:
        assert (await client.request(method, "/api/points/x", content=content)).status_code == 200
        answer = await client.request(method, "/api/points/x", content=content)
    assert answer.status_code == status
    assert len(state.requests) == sent
    if status == 502:
        assert answer.headers["content-type"] == "application/problem+json"


async def test_head_answer_has_no_body_and_its_connection_is_not_reused():
    async def handler(reader, writer, n):
        request = await read_request(reader, state)
        if request.startswith(b"HEAD"):
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n")
            await reader.read()  # keeps the connection open; the client must not wait for 10
            return
        writer.write(OK)

    async with scripted(handler) as state, proxied(state.url) as client:
        head = await asyncio.wait_for(client.head("/api/points/x"), 2)
        assert head.status_code == 200 and head.headers["content-length"] == "10"
        assert (await client.get("/api/points/x")).text == "ok"
    assert state.connections == 2


async def test_chunked_answer_of_unknown_length_arrives_whole():
    async def handler(reader, writer, n):
        await read_request(reader, state)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        for part in (b"he", b"llo", b" world"):
            writer.write(b"%x\r\n%b\r\n" % (len(part), part))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await reader.read()

    async with scripted(handler) as state, proxied(state.url) as client:
        answer = await client.get("/api/points/x")
    assert answer.text == "hello world"
    assert "transfer-encoding" not in answer.headers  # hop-by-hop: the server below re-frames


async def test_an_answer_given_before_the_upload_ended_reaches_the_client():
    async def handler(reader, writer, n):
        await reader.readuntil(b"\r\n\r\n")
        problem = b'{"title":"too big"}'
        writer.write(
            b"HTTP/1.1 413 Payload Too Large\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%b" % (len(problem), problem)
        )
        await writer.drain()

    async with scripted(handler) as state, proxied(state.url) as client:
        answer = await client.post("/api/points/x", content=b"x" * (8 << 20))
    assert answer.status_code == 413 and answer.json() == {"title": "too big"}


@pytest.mark.parametrize(
    "reply",
    [b"SMTP ready\r\n\r\n", b"HTTP/1.1 200 OK\r\nx-big: " + b"a" * 70000 + b"\r\n\r\n"],
    ids=["not-http", "head-too-large"],
)
async def test_an_answer_that_is_not_acceptable_http_is_502(reply):
    async def handler(reader, writer, n):
        await read_request(reader, state)
        writer.write(reply)
        await reader.read()

    async with scripted(handler) as state, proxied(state.url) as client:
        answer = await client.get("/api/points/x")
    assert answer.status_code == 502
    assert answer.headers["content-type"] == "application/problem+json"


async def test_an_answer_trickling_within_the_read_timeout_is_whole_and_silence_is_504():
    """The read timeout counts silence, not the whole answer: pieces every 0.2 s with a 0.5 s
    timeout arrive whole (1.2 s in all); an upstream silent for 0.5 s is 504 in about that."""

    async def handler(reader, writer, n):
        request = await read_request(reader, state)
        if b"/silent" in request:
            await reader.read()
            return
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\n")
        for piece in b"abcdef":
            await asyncio.sleep(0.2)
            writer.write(bytes([piece]))
            await writer.drain()
        await reader.read()

    async with scripted(handler) as state, proxied(state.url, read_timeout=0.5) as client:
        assert (await client.get("/api/points/trickle")).text == "abcdef"
        started = asyncio.get_running_loop().time()
        silent = await client.get("/api/points/silent")
        waited = asyncio.get_running_loop().time() - started
    assert silent.status_code == 504
    assert 0.45 < waited < 0.9  # once: a timeout on a kept-alive connection is not retried
