"""OptionalPrincipal: anonymous readers pass as None, a bad token is still 401."""

from __future__ import annotations

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from kit.deps import OptionalPrincipal, install_auth
from kit.web import create_web_app
from tests.unit.kit.test_jwks import FakeIdentity

router = APIRouter()


@router.get("/board")
async def board(principal: OptionalPrincipal) -> dict[str, str | None]:
    return {"sub": principal.sub if principal else None}


@pytest.fixture
def identity() -> FakeIdentity:
    fake = FakeIdentity()
    fake.add_key("ed-1")
    return fake


@pytest.fixture
def client(identity: FakeIdentity) -> TestClient:
    app = create_web_app(service="demo", title="demo", routers=[router])
    install_auth(app, identity.verifier())
    return TestClient(app, raise_server_exceptions=False)


def test_no_token_is_an_anonymous_caller(client):
    answer = client.get("/api/demo/board")
    assert answer.status_code == 200 and answer.json() == {"sub": None}


def test_valid_token_identifies_the_caller(client, identity):
    token = identity.issue("ed-1")
    answer = client.get("/api/demo/board", headers={"Authorization": f"Bearer {token}"})
    assert answer.json() == {"sub": "person-1"}


def test_refused_token_is_401_not_anonymous(client, identity):
    token = identity.issue("ed-1", iss="someone-else")
    answer = client.get("/api/demo/board", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'
