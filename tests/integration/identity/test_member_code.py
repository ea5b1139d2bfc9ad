"""A resident's member code, verified as the mall will: against identity's real JWKS."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import httpx
import jwt
import pytest

from kit.auth import InvalidToken
from kit.jwks import TokenVerifier
from kit.member_code import MEMBER_AUDIENCE, MemberCodeRefused, verify_member_code
from tests.integration.identity.conftest import Identity, Tree, register

JWKS = "http://identity/api/identity/.well-known/jwks.json"
MEMBER_CODE = "/api/identity/me/member-code"


@pytest.fixture
async def to_identity(identity: Identity) -> AsyncIterator[httpx.AsyncClient]:
    """What the mall holds: an HTTP client to identity (in process here)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=identity.app)) as client:
        yield client


def verifier(identity: Identity, client: httpx.AsyncClient, audience: str) -> TokenVerifier:
    return TokenVerifier(
        jwks_url=JWKS, issuer=identity.settings.token_issuer, audience=audience, client=client
    )


async def fetch_code(identity: Identity, phone: str) -> httpx.Response:
    return await identity.client.get(MEMBER_CODE, headers=await identity.bearer(phone))


async def test_a_resident_gets_a_minute_long_member_code_the_mall_verifies_by_the_jwks(
    identity: Identity, tree: Tree, to_identity: httpx.AsyncClient
):
    person = await register(identity, "13600001111", "赵一", tree.xiaobeijie)
    answer = await fetch_code(identity, "13600001111")
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "no-store"
    body = answer.json()
    assert set(body) == {"code", "expires_at", "refresh_in_seconds"}
    expires_at = datetime.fromisoformat(body["expires_at"])
    assert expires_at.utcoffset() == timedelta(0)
    assert abs((expires_at - identity.clock.now).total_seconds() - 60) <= 1
    assert 0 < body["refresh_in_seconds"] < 60

    code = await verify_member_code(verifier(identity, to_identity, MEMBER_AUDIENCE), body["code"])
    assert str(code.resident_id) == person and code.community_id == tree.xiaobeijie
    assert code.expires_at == expires_at
    # Signed by the key the JWKS publishes for access tokens too.
    published = (await identity.client.get("/api/identity/.well-known/jwks.json")).json()
    assert jwt.get_unverified_header(body["code"])["kid"] in {k["kid"] for k in published["keys"]}
    again = await fetch_code(identity, "13600001111")
    member = verifier(identity, to_identity, MEMBER_AUDIENCE)
    assert (await verify_member_code(member, again.json()["code"])).jti != code.jti


async def test_only_a_signed_in_resident_gets_a_member_code(identity: Identity, tree: Tree):
    await register(identity, "13600002222", "钱二", tree.xiaobeijie)
    assert (await identity.client.get(MEMBER_CODE)).status_code == 401
    forged = {"Authorization": "Bearer not-a-token"}
    assert (await identity.client.get(MEMBER_CODE, headers=forged)).status_code == 401


async def test_an_access_token_is_no_member_code_and_a_member_code_no_access_token(
    identity: Identity, tree: Tree, to_identity: httpx.AsyncClient
):
    await register(identity, "13600003333", "孙三", tree.xiaobeijie)
    access_token = (await identity.login("13600003333"))["access_token"]
    member_code = (await fetch_code(identity, "13600003333")).json()["code"]
    member = verifier(identity, to_identity, MEMBER_AUDIENCE)
    access = verifier(identity, to_identity, identity.settings.token_audience)

    with pytest.raises(MemberCodeRefused) as refused:
        await verify_member_code(member, access_token)
    assert refused.value.field == "member_code" and refused.value.status == 422
    # Even a verifier built for access tokens, wrongly handed over, passes none as a code.
    assert await access.verify(access_token)
    with pytest.raises(MemberCodeRefused):
        await verify_member_code(access, access_token)

    with pytest.raises(InvalidToken):
        await access.verify(member_code)
    as_bearer = {"Authorization": f"Bearer {member_code}"}
    assert (await identity.client.get("/api/identity/me", headers=as_bearer)).status_code == 401
    assert (await identity.client.get(MEMBER_CODE, headers=as_bearer)).status_code == 401


async def test_a_member_code_past_its_expiry_is_refused(
    identity: Identity, tree: Tree, to_identity: httpx.AsyncClient
):
    await register(identity, "13600004444", "李四", tree.xiaobeijie)
    bearer = await identity.bearer("13600004444")
    # Issued by identity's clock three minutes ago: expired two minutes ago by the mall's.
    identity.clock.advance(minutes=-3)
    answer = await identity.client.get(MEMBER_CODE, headers=bearer)
    assert answer.status_code == 200, answer.text
    member = verifier(identity, to_identity, MEMBER_AUDIENCE)
    with pytest.raises(MemberCodeRefused) as refused:
        await verify_member_code(member, answer.json()["code"])
    assert refused.value.detail == "会员码无效或已过期，请刷新后重试"
    identity.clock.advance(minutes=3)
    fresh = await identity.client.get(MEMBER_CODE, headers=bearer)
    assert await verify_member_code(member, fresh.json()["code"])
