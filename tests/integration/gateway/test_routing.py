"""Routing through a real gateway to real upstreams over loopback HTTP: replicas, retries,
timeouts, streaming, body limits, edge auth, forwarded headers and rate limits."""

from __future__ import annotations

import asyncio
import re
import socket
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.requests import ClientDisconnect

from gateway.config import Settings
from gateway.proxy import close_routing, install_routing
from kit.deps import install_auth
from kit.web import create_web_app
from tests.unit.kit.test_jwks import FakeIdentity

UPSTREAM_TIMEOUT = 1.0
MAX_BODY = 1024
PROBLEM = "application/problem+json"


@dataclass
class Upstreams:
    """What every upstream replica was asked, and the gate that holds an event stream open."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    streams_ended: list[str] = field(default_factory=list)  # tags of streams that stopped

    def tagged(self, tag: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["tag"] == tag]


def upstream_app(replica: str, seen: Upstreams) -> FastAPI:
    """A service-like app: kit's docs under /api/points, plus generic routes for any service."""
    app = create_web_app(service="points", title=f"upstream {replica}")
    router = APIRouter(include_in_schema=False)

    async def record(request: Request) -> dict[str, Any]:
        # A cut-off upload raises ClientDisconnect here, so it is never recorded.
        body = await request.body()
        call = {
            "replica": replica,
            "method": request.method,
            "path": request.url.path,
            "tag": request.query_params.get("t", ""),
            "headers": request.headers,
            "body": len(body),
        }
        seen.calls.append(call)
        return call

    @router.api_route("/api/{service}/echo", methods=["GET", "POST", "PUT"])
    async def echo(request: Request) -> Response:
        try:
            call = await record(request)
        except ClientDisconnect:
            return Response(status_code=400)
        hops = {"Connection": "x-upstream-hop", "X-Upstream-Hop": "1", "Keep-Alive": "timeout=5"}
        return JSONResponse(
            {"replica": replica, "body": call["body"]}, headers={**hops, "Proxy-Agent": "up"}
        )

    @router.api_route("/api/{service}/communities/{community_id}/rules", methods=["GET", "HEAD"])
    async def rules(request: Request) -> dict[str, str]:
        await record(request)
        return {"replica": replica}

    @router.post("/api/{service}/auth/login")
    async def login(request: Request) -> dict[str, str]:
        await record(request)
        return {"access_token": "t"}

    @router.get("/api/{service}/slow")
    async def slow(request: Request) -> dict[str, str]:
        await record(request)
        await asyncio.sleep(3)
        return {"late": "yes"}

    @router.get("/api/{service}/cookie")
    async def cookie(request: Request) -> Response:
        await record(request)
        return Response(headers={"Set-Cookie": "session=someone-elses; Path=/"})

    @router.get("/api/{service}/stall")
    async def stall(request: Request) -> StreamingResponse:
        await record(request)

        async def part() -> AsyncIterator[bytes]:
            yield b"x" * 10
            await asyncio.sleep(3)
            yield b"x" * 90

        return StreamingResponse(part(), headers={"Content-Length": "100"})

    @router.get("/api/{service}/inbox/stream")
    @router.get("/api/{service}/feed")
    async def stream(request: Request) -> StreamingResponse:
        await record(request)

        async def events() -> AsyncIterator[bytes]:
            try:
                yield b"data: first\n\n"
                await asyncio.wait_for(seen.gate.wait(), timeout=10)
                yield b"data: second\n\n"
            finally:
                seen.streams_ended.append(request.query_params.get("t", ""))

        return StreamingResponse(events(), media_type="text/event-stream")

    app.include_router(router)
    return app


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def refused_url() -> str:
    """A loopback port nobody listens on: connections to it are refused at once."""
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


@asynccontextmanager
async def serving(app: Any, **options: Any) -> AsyncIterator[str]:
    """`app` served by uvicorn on a free loopback port, in this event loop."""
    sock = bound_socket()
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1, **options
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@dataclass
class Stack:
    url: str
    app: FastAPI
    upstreams: Upstreams
    identity: FakeIdentity
    dead: str

    def token(self, sub: str = "person-1") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.identity.issue('ed-1', sub=sub)}"}


@pytest.fixture(scope="module")
async def stack() -> AsyncIterator[Stack]:
    seen = Upstreams()
    identity = FakeIdentity()
    identity.add_key("ed-1")
    dead = refused_url()
    async with (
        serving(upstream_app("a", seen)) as a,
        serving(upstream_app("b", seen)) as b,
        serving(upstream_app("c", seen)) as c,
    ):
        settings = Settings(
            service_urls={
                "points": [a, b],
                "notices": [c],
                "identity": [c],
                "retryget": [dead, c],
                "retrypost": [dead, c],
                "petitions": [dead],
            },
            upstream_timeout_seconds=UPSTREAM_TIMEOUT,
            upstream_connect_timeout_seconds=1.0,
            replica_cooldown_seconds=60,
            max_body_bytes=MAX_BODY,
            rate_limit_person="1000/minute",
            rate_limit_anonymous="1000/minute",
            rate_limit_login="3/minute",
        )
        app = create_web_app(service="gateway", title="t", api_prefix="")
        install_routing(app, settings)
        install_auth(app, identity.verifier())
        # No proxy in front: the gateway is the public door and its peer is the client.
        # Started as the gateway must be: uvicorn's own `Server: uvicorn` is off.
        async with serving(app, proxy_headers=False, server_header=False) as url:
            yield Stack(url=url, app=app, upstreams=seen, identity=identity, dead=dead)
        await close_routing(app)


@pytest.fixture
async def client(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=stack.url, trust_env=False, timeout=10) as http:
        yield http


def tag() -> str:
    return uuid.uuid4().hex


async def test_get_requests_take_turns_across_two_replicas(stack, client):
    replicas = [
        (await client.get("/api/points/echo", headers=stack.token())).json()["replica"]
        for _ in range(4)
    ]
    assert set(replicas) == {"a", "b"}
    assert replicas[0] == replicas[2] != replicas[1] == replicas[3]


async def test_refusing_replica_is_skipped_and_get_retried_on_the_next(stack, client):
    t = tag()
    answer = await client.get(f"/api/retryget/echo?t={t}", headers=stack.token())
    assert answer.status_code == 200 and answer.json()["replica"] == "c"
    assert len(stack.upstreams.tagged(t)) == 1
    # Benched for the cooldown: the next request goes straight to the healthy replica.
    assert stack.app.state.routing.pools["retryget"].attempt_order() == [
        *stack.app.state.routing.pools["retryget"].urls[1:],
        stack.dead,
    ]


async def test_post_to_a_refusing_replica_is_not_retried(stack, client):
    t = tag()
    answer = await client.post(f"/api/retrypost/echo?t={t}", headers=stack.token(), json={})
    assert answer.status_code == 502
    assert answer.headers["content-type"] == PROBLEM
    assert stack.upstreams.tagged(t) == []


async def test_service_that_is_down_answers_502_fast(stack, client):
    started = time.perf_counter()
    answer = await client.get("/api/petitions/echo", headers=stack.token())
    assert answer.status_code == 502 and answer.headers["content-type"] == PROBLEM
    assert time.perf_counter() - started < 1.0


async def test_slow_upstream_answers_504_within_the_read_timeout(stack, client):
    started = time.perf_counter()
    answer = await client.get("/api/points/slow", headers=stack.token())
    elapsed = time.perf_counter() - started
    assert answer.status_code == 504 and answer.headers["content-type"] == PROBLEM
    assert UPSTREAM_TIMEOUT <= elapsed < UPSTREAM_TIMEOUT + 1.0


async def test_answer_that_stalls_before_its_declared_end_is_504_within_the_read_timeout(
    stack, client
):
    started = time.perf_counter()
    answer = await client.get("/api/points/stall", headers=stack.token())
    assert answer.status_code == 504 and answer.headers["content-type"] == PROBLEM
    assert time.perf_counter() - started < UPSTREAM_TIMEOUT + 1.0


async def test_a_cookie_an_upstream_sets_goes_to_its_client_and_no_one_else(stack, client):
    answer = await client.get("/api/points/cookie", headers=stack.token())
    assert answer.headers["set-cookie"].startswith("session=someone-elses")
    # The next request is another person's, from another browser. (aiohttp's default jar
    # already ignores cookies of IP hosts like these; the k8s upstreams are host names.)
    client.cookies.clear()
    t = tag()
    await client.get(f"/api/points/echo?t={t}", headers=stack.token("person-2"))
    assert "cookie" not in stack.upstreams.tagged(t)[0]["headers"]


async def test_unknown_service_is_404(stack, client):
    answer = await client.get("/api/nosuch/echo", headers=stack.token())
    assert answer.status_code == 404 and answer.headers["content-type"] == PROBLEM


async def test_body_declared_over_the_limit_is_413_and_never_reaches_the_upstream(stack, client):
    t = tag()
    answer = await client.post(
        f"/api/points/echo?t={t}", headers=stack.token(), content=b"x" * (MAX_BODY + 1)
    )
    assert answer.status_code == 413 and answer.headers["content-type"] == PROBLEM
    assert stack.upstreams.tagged(t) == []


async def test_chunked_body_over_the_limit_is_cut_off_with_413(stack, client):
    async def upload() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield b"x" * 512

    t = tag()
    answer = await client.post(f"/api/points/echo?t={t}", headers=stack.token(), content=upload())
    assert answer.status_code == 413
    await asyncio.sleep(0.2)
    assert stack.upstreams.tagged(t) == []


async def test_body_within_the_limit_is_streamed_up_whole(stack, client):
    async def upload() -> AsyncIterator[bytes]:
        for _ in range(2):
            yield b"x" * 512

    answer = await client.put("/api/points/echo", headers=stack.token(), content=upload())
    assert answer.status_code == 200 and answer.json()["body"] == MAX_BODY


@pytest.mark.parametrize(
    ("path", "accept"),
    [("/api/notices/inbox/stream", "*/*"), ("/api/points/feed", "text/event-stream")],
    ids=["inbox-stream-path", "accept-event-stream"],
)
async def test_event_stream_arrives_incrementally_without_a_read_timeout(
    stack, client, path, accept
):
    stack.upstreams.gate.clear()
    headers = {**stack.token(), "Accept": accept}
    async with client.stream("GET", path, headers=headers) as answer:
        chunks = answer.aiter_raw()
        first = await asyncio.wait_for(anext(chunks), timeout=2)
        assert first == b"data: first\n\n"  # while the upstream is still holding the stream
        await asyncio.sleep(UPSTREAM_TIMEOUT + 0.5)  # quieter than any read timeout
        stack.upstreams.gate.set()
        rest = b"".join([chunk async for chunk in chunks])
    assert rest == b"data: second\n\n"


async def test_event_stream_upstream_is_let_go_when_the_client_leaves(stack, client):
    stack.upstreams.gate.clear()
    t = tag()
    async with client.stream("GET", f"/api/notices/inbox/stream?t={t}", headers=stack.token()) as s:
        assert await asyncio.wait_for(anext(s.aiter_raw()), timeout=2) == b"data: first\n\n"
    deadline = time.monotonic() + 3  # well before the upstream's own 10 s would end it
    while t not in stack.upstreams.streams_ended and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert t in stack.upstreams.streams_ended


async def test_non_public_route_without_a_token_is_401_before_any_service(stack, client):
    t = tag()
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        answer = await client.get(f"/api/points/echo?t={t}", headers=headers)
        assert answer.status_code == 401 and answer.headers["content-type"] == PROBLEM
        assert answer.headers["www-authenticate"].startswith("Bearer")
    assert stack.upstreams.tagged(t) == []


async def test_valid_token_passes_and_reaches_the_service_unchanged(stack, client):
    t = tag()
    headers = stack.token()
    answer = await client.get(f"/api/points/echo?t={t}", headers=headers)
    assert answer.status_code == 200
    assert stack.upstreams.tagged(t)[0]["headers"]["authorization"] == headers["Authorization"]


async def test_public_route_passes_without_a_token(stack, client):
    t = tag()
    answer = await client.get(f"/api/points/communities/c-1/rules?t={t}")
    head = await client.head(f"/api/points/communities/c-1/rules?t={t}")
    assert answer.status_code == head.status_code == 200 and head.content == b""
    assert [c["method"] for c in stack.upstreams.tagged(t)] == ["GET", "HEAD"]


async def test_request_id_traceparent_and_forwarded_for_reach_the_upstream(stack, client):
    t = tag()
    trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    headers = {"X-Request-ID": "rid-routing-1", "X-Forwarded-For": "203.0.113.9"}
    answer = await client.get(
        f"/api/points/echo?t={t}", headers={**stack.token(), **headers, "traceparent": trace}
    )
    seen = stack.upstreams.tagged(t)[0]["headers"]
    assert seen["x-request-id"] == "rid-routing-1"
    assert answer.headers.get_list("x-request-id") == ["rid-routing-1"]
    assert seen["traceparent"] == trace
    assert seen["x-forwarded-for"] == "203.0.113.9, 127.0.0.1"


async def test_request_id_and_traceparent_are_made_when_absent(stack, client):
    t = tag()
    answer = await client.get(f"/api/points/echo?t={t}", headers=stack.token())
    seen = stack.upstreams.tagged(t)[0]["headers"]
    assert seen["x-request-id"] == answer.headers["x-request-id"]
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", seen["traceparent"])
    assert seen["x-forwarded-for"] == "127.0.0.1"


async def test_hop_by_hop_headers_are_stripped_both_ways(stack, client):
    t = tag()
    hops = {
        "Connection": "keep-alive, x-client-hop",
        "X-Client-Hop": "1",
        "Keep-Alive": "timeout=5",
        "TE": "trailers",
        "Proxy-Authorization": "Basic eDp5",
    }
    answer = await client.get(f"/api/points/echo?t={t}", headers={**stack.token(), **hops})
    seen = stack.upstreams.tagged(t)[0]["headers"]
    for name in ("x-client-hop", "keep-alive", "te", "proxy-authorization"):
        assert name not in seen
    for name in ("x-upstream-hop", "keep-alive", "proxy-agent"):
        assert name not in answer.headers
    assert answer.headers.get("connection", "keep-alive") == "keep-alive"
    # The gateway's server stamps its own Date; the upstream's Date and Server are not passed.
    assert len(answer.headers.get_list("date")) == 1
    assert "server" not in answer.headers


async def test_a_service_metrics_is_not_reachable_through_the_gateway(stack, client):
    for path in ("/api/points/metrics", "/api/points//metrics", "/api/points/x/readyz"):
        answer = await client.get(path, headers=stack.token())
        assert answer.status_code == 404, path
        assert answer.headers["x-frame-options"] == "DENY"


async def test_service_docs_are_reachable_through_the_gateway(client):
    docs = await client.get("/api/points/docs")
    schema = await client.get("/api/points/openapi.json")
    assert docs.status_code == 200 and "/api/points/openapi.json" in docs.text
    assert schema.status_code == 200 and schema.json()["info"]["title"].startswith("upstream")


async def test_gateway_openapi_lists_its_own_routes_but_not_the_proxy(client):
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert "/healthz" in paths
    assert not any("{path}" in p for p in paths)


async def test_login_route_gets_429_with_retry_after_past_the_per_ip_limit(stack, client):
    t = tag()
    answers = [await client.post(f"/api/identity/auth/login?t={t}", json={}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.headers["content-type"] == PROBLEM
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert len(stack.upstreams.tagged(t)) == 3
