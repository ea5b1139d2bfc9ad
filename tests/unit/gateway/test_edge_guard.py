"""The edge guard in front of a tiny app: who gets through, who is refused and how."""

from __future__ import annotations

import time

import httpx
import pytest
from fastapi import FastAPI, Request
from starlette.middleware import Middleware

from gateway.edge import EdgeGuard
from gateway.limits import RateLimits
from kit.access import AccessFacts, AccessOverlay
from kit.deps import install_auth
from kit.web import create_web_app
from tests.unit.kit.test_jwks import FakeIdentity

PROBLEM = "application/problem+json"


@pytest.fixture
def identity() -> FakeIdentity:
    fake = FakeIdentity()
    fake.add_key("ed-1")
    return fake


def guarded_app(identity: FakeIdentity, *, anonymous: str = "100/minute") -> FastAPI:
    app = create_web_app(service="gateway", title="t", api_prefix="")
    install_auth(app, identity.verifier())
    limits = RateLimits(person="100/minute", anonymous=anonymous, login="100/minute")
    app.user_middleware.append(Middleware(EdgeGuard, limits=limits))

    @app.get("/api/me/home")
    async def home(request: Request) -> dict[str, str]:
        return {"sub": request.state.principal.sub}

    @app.get("/api/points/communities/{community_id}/rules")
    async def rules(request: Request) -> dict[str, str | None]:
        principal = request.state.principal
        return {"sub": principal.sub if principal else None}

    return app


def client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw")


def bearer(identity: FakeIdentity, **claims: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {identity.issue('ed-1', **claims)}"}


async def test_signed_in_caller_reaches_the_route_as_the_request_principal(identity):
    async with client(guarded_app(identity)) as http:
        answer = await http.get("/api/me/home", headers=bearer(identity, sub="p-7"))
    assert answer.status_code == 200 and answer.json() == {"sub": "p-7"}


async def test_missing_token_is_401_with_a_bare_bearer_challenge_and_the_request_id(identity):
    async with client(guarded_app(identity)) as http:
        answer = await http.get("/api/me/home", headers={"X-Request-ID": "rid-9"})
    assert answer.status_code == 401 and answer.headers["content-type"] == PROBLEM
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.headers["x-request-id"] == "rid-9"


async def test_expired_token_is_401_naming_the_invalid_token(identity):
    async with client(guarded_app(identity)) as http:
        answer = await http.get("/api/me/home", headers=bearer(identity, exp=1, iat=0))
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_token_whose_claims_break_the_contract_is_refused(identity):
    async with client(guarded_app(identity)) as http:
        answer = await http.get("/api/me/home", headers=bearer(identity, verified="yes"))
    assert answer.status_code == 401


async def test_public_route_passes_anonymously_and_ignores_a_bad_token(identity):
    async with client(guarded_app(identity)) as http:
        anonymous = await http.get("/api/points/communities/c-1/rules")
        bad = await http.get(
            "/api/points/communities/c-1/rules", headers={"Authorization": "Bearer junk"}
        )
        signed_in = await http.get("/api/points/communities/c-1/rules", headers=bearer(identity))
    assert anonymous.json() == bad.json() == {"sub": None}
    assert signed_in.json() == {"sub": "person-1"}


async def test_unreachable_jwks_is_503_with_retry_after(identity):
    identity.down = True
    async with client(guarded_app(identity)) as http:
        answer = await http.get("/api/me/home", headers=bearer(identity))
    assert answer.status_code == 503 and answer.headers["retry-after"]


async def test_dot_segments_are_refused_before_anything_else(identity):
    async with client(guarded_app(identity)) as http:
        # Encoded, or the client would resolve the dots itself; servers decode them.
        answer = await http.get("/api/points/communities/%2E%2E/%2E%2E/me/home")
    assert answer.status_code == 400 and answer.headers["content-type"] == PROBLEM


async def test_a_flood_of_bad_tokens_is_rate_limited_per_ip(identity):
    async with client(guarded_app(identity, anonymous="2/minute")) as http:
        statuses = [
            (await http.get("/api/me/home", headers={"Authorization": "Bearer junk"})).status_code
            for _ in range(3)
        ]
    assert statuses == [401, 401, 429]


async def test_a_disabled_account_is_refused_at_the_door_and_anonymous_on_public_routes(
    identity,
):
    app = guarded_app(identity)
    access = AccessOverlay(window_seconds=1020)
    app.state.access_overlay = access
    access.record(
        "p-8",
        AccessFacts(
            verified=True, disabled=True, community_id=None, roles=(), changed_at=time.time()
        ),
    )
    headers = bearer(identity, sub="p-8")
    async with client(app) as http:
        refused = await http.get("/api/me/home", headers=headers)
        public = await http.get("/api/points/communities/c-1/rules", headers=headers)
    assert refused.status_code == 401 and refused.headers["content-type"] == PROBLEM
    assert refused.json()["title"] == "账号已停用"
    assert public.status_code == 200 and public.json() == {"sub": None}
