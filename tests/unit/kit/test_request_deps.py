"""Shared request dependencies and wiring: the app clock, the empty body, the token verifier."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient

from kit.deps import install_auth, install_token_verifier
from kit.jwks import TokenVerifier
from kit.request_deps import Now, install_clock
from kit.schemas import EmptyIn
from kit.settings import KitSettings
from kit.web import create_web_app

FIXED = datetime(2026, 11, 28, 2, tzinfo=UTC)

router = APIRouter()


@router.post("/now")
async def now(at: Now, body: EmptyIn | None = None) -> dict[str, str]:
    return {"at": at.isoformat()}


def client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


def test_now_answers_the_clock_the_app_was_given():
    app = create_web_app(service="demo", title="demo", routers=[router])
    install_clock(app, lambda: FIXED)
    assert client(app).post("/api/demo/now").json() == {"at": FIXED.isoformat()}


def test_without_a_clock_given_now_is_aware_utc():
    app = create_web_app(service="demo", title="demo", routers=[router])
    install_clock(app)
    at = datetime.fromisoformat(client(app).post("/api/demo/now").json()["at"])
    assert at.tzinfo is not None and at.utcoffset() == UTC.utcoffset(None)


def test_an_action_with_an_empty_body_accepts_none_or_braces_and_refuses_fields():
    app = create_web_app(service="demo", title="demo", routers=[router])
    install_clock(app, lambda: FIXED)
    assert client(app).post("/api/demo/now", json={}).is_success
    refused = client(app).post("/api/demo/now", json={"extra": 1})
    assert refused.status_code == 422


def test_the_token_verifier_is_built_from_the_settings():
    app = FastAPI()
    settings = KitSettings(jwks_url="http://id/jwks.json", token_issuer="iss", token_audience="aud")
    install_token_verifier(app, settings)
    verifier = app.state.token_verifier
    assert isinstance(verifier, TokenVerifier)
    # The verifier keeps its configuration private; read it to check the wiring.
    assert (verifier._jwks_url, verifier._issuer, verifier._audience) == (
        "http://id/jwks.json",
        "iss",
        "aud",
    )


def test_a_verifier_installed_first_is_kept():
    app = FastAPI()
    own = TokenVerifier(jwks_url="http://self/jwks.json", issuer="i", audience="a")
    install_auth(app, own)
    install_token_verifier(app, KitSettings())
    assert app.state.token_verifier is own
