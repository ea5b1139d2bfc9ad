"""What every gateway answer carries, and what the public door does not open."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from gateway.config import Settings
from gateway.proxy import install_routing
from kit.deps import install_auth
from kit.web import create_web_app
from tests.unit.kit.test_jwks import FakeIdentity

REMOTE = ("203.0.113.7", 40000)
LOCAL = ("127.0.0.1", 40000)


@pytest.fixture
def app(identity: FakeIdentity) -> FastAPI:
    app = create_web_app(service="gateway", title="t", api_prefix="")
    # Nothing listens on port 9: a proxied call that got through would be a 502.
    settings = Settings(
        service_urls={name: ["http://127.0.0.1:9"] for name in ("points", "identity")},
        metrics_token=SecretStr("scrape-token"),
    )
    install_routing(app, settings)
    install_auth(app, identity.verifier())
    return app


async def call(
    app: FastAPI, method: str, path: str, *, peer: tuple[str, int] = REMOTE, token: str = ""
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app, client=peer)
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        return await client.request(method, path, headers=headers)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/healthz"), ("GET", "/api/points/x"), ("GET", "/nowhere"), ("POST", "/api/me/home")],
)
async def test_every_answer_carries_the_security_headers_and_no_server(
    app: FastAPI, method: str, path: str
):
    answer = await call(app, method, path)
    assert answer.headers["strict-transport-security"].startswith("max-age=")
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "server" not in answer.headers


async def test_token_answers_are_never_cached(app: FastAPI):
    answer = await call(app, "POST", "/api/identity/auth/login")
    assert answer.headers["cache-control"] == "no-store"
    assert "no-store" not in (await call(app, "GET", "/healthz")).headers.get("cache-control", "")


@pytest.mark.parametrize(
    "path",
    [
        "/api/points/metrics",
        "/api/points//metrics",
        "/api/points/metrics/",
        "/api/points/anything/healthz",
        "/api/identity/READYZ",
    ],
)
async def test_no_service_probe_or_metrics_is_reachable_through_the_gateway(
    app: FastAPI, identity: FakeIdentity, path: str
):
    token = identity.issue("ed-1", sub="u-1")
    assert (await call(app, "GET", path)).status_code == 404
    assert (await call(app, "GET", path, token=token)).status_code == 404


async def test_the_gateway_metrics_answer_loopback_and_the_scrape_token_only(app: FastAPI):
    assert (await call(app, "GET", "/metrics", peer=REMOTE)).status_code == 404
    assert (await call(app, "GET", "/metrics", peer=REMOTE, token="guess")).status_code == 404
    assert (
        await call(app, "GET", "/metrics", peer=REMOTE, token="scrape-token")
    ).status_code == 200
    assert (await call(app, "GET", "/metrics", peer=LOCAL)).status_code == 200
