"""Auth dependencies on a real FastAPI app: 401 challenges, real-name checks, staff scope."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient

from kit.deps import CurrentPrincipal, StaffScope, VerifiedResident, install_auth, staff
from kit.web import create_web_app
from tests.unit.kit.test_jwks import FakeIdentity

DISTRICT = "/510703"
COMMUNITY_A = "/510703/510703101/510703101001"
COMMUNITY_B = "/510703/510703102/510703102001"

router = APIRouter()


@router.get("/me")
async def me(principal: CurrentPrincipal) -> dict[str, Any]:
    return {"sub": principal.sub, "is_staff": principal.is_staff}


@router.post("/petitions")
async def submit_petition(resident: VerifiedResident) -> dict[str, str]:
    return {"by": resident.sub}


ClaimReviewer = Annotated[StaffScope, Depends(staff("community_admin", "community_staff"))]


@router.get("/units/{unit_path:path}/claims")
async def review_claims(unit_path: str, scope: ClaimReviewer) -> dict[str, str]:
    scope.ensure("/" + unit_path)
    return {"unit": "/" + unit_path}


def grant(role: str, unit_path: str) -> dict[str, str]:
    return {"role": role, "unit_id": unit_path.rsplit("/", 1)[-1], "unit_path": unit_path}


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


def bearer(identity: FakeIdentity, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {identity.issue('ed-1', **claims)}"}


def test_request_without_a_token_is_401_problem_with_bearer_challenge(client):
    answer = client.get("/api/demo/me")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["title"] == "未登录或登录已过期"


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer    ", "token"])
def test_malformed_authorization_header_is_401_with_bearer_challenge(client, header):
    answer = client.get("/api/demo/me", headers={"Authorization": header})
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"


def test_refused_token_is_401_naming_invalid_token(client, identity):
    answer = client.get("/api/demo/me", headers=bearer(identity, iss="someone-else"))
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert "headers" not in answer.json()


def test_valid_token_identifies_the_caller(client, identity):
    answer = client.get("/api/demo/me", headers=bearer(identity))
    assert answer.status_code == 200
    assert answer.json() == {"sub": "person-1", "is_staff": False}


def test_identity_unreachable_with_nothing_cached_is_503_problem(client, identity):
    identity.down = True
    answer = client.get("/api/demo/me", headers=bearer(identity))
    assert answer.status_code == 503 and answer.headers["retry-after"]
    assert answer.headers["content-type"] == "application/problem+json"


def test_unverified_resident_is_forbidden_on_a_verified_route(client, identity):
    answer = client.post("/api/demo/petitions", headers=bearer(identity, verified=False))
    assert answer.status_code == 403
    assert answer.json()["detail"] == "需要先完成实名认证"


def test_verified_resident_passes_a_verified_route(client, identity):
    answer = client.post("/api/demo/petitions", headers=bearer(identity, verified=True))
    assert answer.status_code == 200 and answer.json() == {"by": "person-1"}


def test_resident_without_a_role_is_forbidden_on_a_staff_route(client, identity):
    answer = client.get(f"/api/demo/units{COMMUNITY_A}/claims", headers=bearer(identity))
    assert answer.status_code == 403


def test_staff_of_community_a_cannot_act_on_community_b(client, identity):
    headers = bearer(identity, roles=[grant("community_admin", COMMUNITY_A)])
    assert client.get(f"/api/demo/units{COMMUNITY_A}/claims", headers=headers).status_code == 200
    assert client.get(f"/api/demo/units{COMMUNITY_B}/claims", headers=headers).status_code == 403


def test_district_staff_can_act_on_a_community_below(client, identity):
    headers = bearer(identity, roles=[grant("community_staff", DISTRICT)])
    answer = client.get(f"/api/demo/units{COMMUNITY_B}/claims", headers=headers)
    assert answer.status_code == 200 and answer.json() == {"unit": COMMUNITY_B}


def test_role_the_route_does_not_accept_is_forbidden_even_in_scope(client, identity):
    headers = bearer(identity, roles=[grant("counter_operator", DISTRICT)])
    answer = client.get(f"/api/demo/units{COMMUNITY_A}/claims", headers=headers)
    assert answer.status_code == 403 and answer.json()["detail"] == "需要工作人员权限"


def test_accepted_role_held_elsewhere_does_not_cover_a_unit(client, identity):
    roles = [grant("community_admin", COMMUNITY_A), grant("counter_operator", COMMUNITY_B)]
    answer = client.get(
        f"/api/demo/units{COMMUNITY_B}/claims", headers=bearer(identity, roles=roles)
    )
    assert answer.status_code == 403


def test_grant_with_a_root_path_is_refused_rather_than_covering_everything(client, identity):
    headers = bearer(identity, roles=[grant("district_admin", "/")])
    assert client.get("/api/demo/me", headers=headers).status_code == 401


def test_unknown_role_grants_nothing_but_does_not_lock_the_person_out(client, identity):
    headers = bearer(identity, roles=[grant("festival_organiser", DISTRICT)])
    assert client.get("/api/demo/me", headers=headers).json()["is_staff"] is False
    assert client.get(f"/api/demo/units{COMMUNITY_A}/claims", headers=headers).status_code == 403
