"""kit.member_code against a fake identity JWKS: what passes as a member code and what not."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from jwt.algorithms import OKPAlgorithm

from kit.auth import AuthUnavailable
from kit.jwks import TokenVerifier
from kit.member_code import (
    MEMBER_AUDIENCE,
    MemberCode,
    MemberCodeRefused,
    member_code_verifier,
    verify_member_code,
)

ISSUER, ACCESS_AUDIENCE = "shanzhi-identity", "shanzhi"
JWKS_URL = "http://identity.test/api/identity/.well-known/jwks.json"
RESIDENT = uuid.uuid4()
KEY = ed25519.Ed25519PrivateKey.generate()
JWK = {**OKPAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "ed-1", "alg": "EdDSA"}


def jwks(up: bool = True) -> httpx.AsyncClient:
    answer = httpx.Response(200, json={"keys": [JWK]}) if up else httpx.Response(503)
    return httpx.AsyncClient(transport=httpx.MockTransport(lambda _: answer))


def member_verifier(up: bool = True) -> TokenVerifier:
    return member_code_verifier(jwks_url=JWKS_URL, issuer=ISSUER, client=jwks(up))


def token(**overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": MEMBER_AUDIENCE,
        "sub": str(RESIDENT),
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
        "community_id": "6f1c1c36-0000-4000-8000-000000000001",
        **overrides,
    }
    claims = {k: v for k, v in claims.items() if v is not ...}
    return jwt.encode(claims, KEY, algorithm="EdDSA", headers={"kid": "ed-1"})


async def refused(verifier: TokenVerifier, code: str) -> MemberCodeRefused:
    with pytest.raises(MemberCodeRefused) as caught:
        await verify_member_code(verifier, code)
    error = caught.value
    # 422 naming the field, in Chinese: never a 401 that would sign the counter operator out.
    assert error.status == 422 and error.field == "member_code"
    assert not re.search(r"[A-Za-z]", error.detail)
    return error


async def test_a_current_member_code_names_the_resident_community_jti_and_expiry():
    exp = int(time.time()) + 60
    code = await verify_member_code(member_verifier(), token(exp=exp, jti="j-1"))
    assert code == MemberCode(
        resident_id=RESIDENT,
        community_id="6f1c1c36-0000-4000-8000-000000000001",
        jti="j-1",
        expires_at=datetime.fromtimestamp(exp, UTC),
    )
    with pytest.raises(AttributeError):
        code.jti = "other"  # type: ignore[misc]


async def test_a_resident_without_community_still_has_a_member_code():
    code = await verify_member_code(member_verifier(), token(community_id=None))
    assert code.community_id is None


async def test_an_access_token_is_refused_by_a_member_code_verifier():
    await refused(member_verifier(), token(aud=ACCESS_AUDIENCE))


async def test_an_access_token_is_refused_even_by_a_verifier_built_for_access_tokens():
    access = TokenVerifier(
        jwks_url=JWKS_URL, issuer=ISSUER, audience=ACCESS_AUDIENCE, client=jwks()
    )
    assert await access.verify(token(aud=ACCESS_AUDIENCE))  # the verifier itself accepts it
    await refused(access, token(aud=ACCESS_AUDIENCE))


async def test_an_expired_code_is_refused_past_a_few_seconds_of_leeway():
    now = int(time.time())
    assert await verify_member_code(member_verifier(), token(iat=now - 62, exp=now - 2))
    await refused(member_verifier(), token(iat=now - 80, exp=now - 20))


@pytest.mark.parametrize(
    "overrides",
    [
        {"jti": ...},
        {"jti": ""},
        {"sub": "not-a-uuid"},
        {"community_id": 42},
        {"community_id": ""},
        {"aud": [MEMBER_AUDIENCE, ACCESS_AUDIENCE]},
        {"iss": "someone-else"},
    ],
)
async def test_a_code_breaking_the_member_code_contract_is_refused(overrides):
    await refused(member_verifier(), token(**overrides))


async def test_forged_and_garbled_codes_are_refused():
    stranger = ed25519.Ed25519PrivateKey.generate()
    forged = jwt.encode(
        jwt.decode(token(), options={"verify_signature": False}),
        stranger,
        algorithm="EdDSA",
        headers={"kid": "ed-1"},
    )
    await refused(member_verifier(), forged)
    await refused(member_verifier(), "not-a-jwt")
    await refused(member_verifier(), "")


async def test_identity_unreachable_is_a_retryable_503_not_a_refused_code():
    with pytest.raises(AuthUnavailable):
        await verify_member_code(member_verifier(up=False), token())
