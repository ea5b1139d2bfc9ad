"""TokenVerifier against a fake identity JWKS: algorithms, claims, key rotation, throttling."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from kit.auth import AuthUnavailable, InvalidToken, principal_from_claims
from kit.jwks import TokenVerifier

ISSUER, AUDIENCE = "shanzhi-identity", "shanzhi"
JWKS_URL = "http://identity.test/api/identity/.well-known/jwks.json"
COMMUNITY = "/510703/510703101/510703101001"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeIdentity:
    """Holds signing keys, serves their JWKS over httpx.MockTransport, and issues tokens."""

    def __init__(self) -> None:
        self.private: dict[str, Any] = {}
        self.published: list[dict[str, Any]] = []
        self.fetches = 0
        self.down = False

    def add_key(self, kid: str, alg: str = "EdDSA", *, publish: bool = True) -> None:
        if alg == "EdDSA":
            private: Any = ed25519.Ed25519PrivateKey.generate()
            jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
        else:
            private = ec.generate_private_key(ec.SECP256R1())
            jwk = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
        self.private[kid] = (private, alg)
        if publish:
            self.published.append({**jwk, "kid": kid, "alg": alg, "use": "sig"})

    def issue(self, kid: str, **overrides: Any) -> str:
        private, alg = self.private[kid]
        return jwt.encode(claims(**overrides), private, algorithm=alg, headers={"kid": kid})

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        if self.down:
            return httpx.Response(503)
        return httpx.Response(200, json={"keys": self.published})

    def verifier(self, clock: FakeClock | None = None) -> TokenVerifier:
        return TokenVerifier(
            jwks_url=JWKS_URL,
            issuer=ISSUER,
            audience=AUDIENCE,
            client=httpx.AsyncClient(transport=httpx.MockTransport(self.handler)),
            clock=clock or FakeClock(),
        )


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "person-1",
        "iat": now,
        "exp": now + 900,
        "jti": str(uuid.uuid4()),
        "name": "张三",
        "community_id": "510703101001",
        "household_id": None,
        "verified": True,
        "roles": [],
    }
    return {k: v for k, v in {**base, **overrides}.items() if v is not ...}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made(header: dict[str, Any], payload: dict[str, Any], key: bytes | None) -> str:
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    mac = hmac.new(key, signing_input.encode(), hashlib.sha256).digest() if key else b""
    return f"{signing_input}.{b64(mac)}"


async def refused(verifier: TokenVerifier, token: str) -> InvalidToken:
    with pytest.raises(InvalidToken) as caught:
        await verifier.verify(token)
    # Details are ours, in Chinese: no English library message reaches the client.
    assert caught.value.status == 401 and not re.search(r"[A-Za-z]", caught.value.detail)
    return caught.value


@pytest.fixture
def identity() -> FakeIdentity:
    fake = FakeIdentity()
    fake.add_key("ed-1", "EdDSA")
    fake.add_key("es-1", "ES256")
    return fake


async def test_eddsa_token_from_identity_is_accepted(identity):
    roles = [{"role": "community_admin", "unit_id": "510703101001", "unit_path": COMMUNITY}]
    verified = await identity.verifier().verify(identity.issue("ed-1", roles=roles))
    principal = principal_from_claims(verified)
    assert principal.sub == "person-1" and principal.verified and principal.is_staff
    assert principal.can_act_on(COMMUNITY, "community_admin")


async def test_es256_token_from_identity_is_accepted(identity):
    verified = await identity.verifier().verify(identity.issue("es-1"))
    assert principal_from_claims(verified).name == "张三"


async def test_token_with_a_tampered_payload_is_refused(identity):
    header, _, signature = identity.issue("ed-1").split(".")
    forged = b64(json.dumps(claims(sub="someone-else")).encode())
    await refused(identity.verifier(), f"{header}.{forged}.{signature}")


async def test_expired_token_is_refused(identity):
    now = int(time.time())
    token = identity.issue("ed-1", iat=now - 1000, exp=now - 60)
    assert (await refused(identity.verifier(), token)).detail == "登录已过期，请重新登录"


async def test_token_expired_within_the_leeway_is_still_accepted(identity):
    now = int(time.time())
    token = identity.issue("ed-1", iat=now - 900, exp=now - 10)
    assert (await identity.verifier().verify(token))["sub"] == "person-1"


@pytest.mark.parametrize(
    "overrides",
    [{"iss": "someone-else"}, {"aud": "another-platform"}, {"iat": ...}, {"sub": ...}],
    ids=["wrong-issuer", "wrong-audience", "no-iat", "no-sub"],
)
async def test_token_with_wrong_or_missing_claims_is_refused(identity, overrides):
    await refused(identity.verifier(), identity.issue("ed-1", **overrides))


async def test_unsigned_alg_none_token_is_refused_without_fetching_keys(identity):
    token = hand_made({"alg": "none", "typ": "JWT", "kid": "ed-1"}, claims(), key=None)
    await refused(identity.verifier(), token)
    assert identity.fetches == 0


async def test_hs256_token_keyed_with_the_public_key_is_refused(identity):
    public = identity.private["ed-1"][0].public_key()
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = hand_made({"alg": "HS256", "typ": "JWT", "kid": "ed-1"}, claims(), key=pem)
    await refused(identity.verifier(), token)


async def test_symmetric_key_strayed_into_the_jwks_verifies_nothing(identity):
    secret = b"a-shared-secret-that-must-not-be-trusted"
    identity.published.append({"kty": "oct", "kid": "hs-1", "k": b64(secret), "use": "sig"})
    token = hand_made({"alg": "HS256", "typ": "JWT", "kid": "hs-1"}, claims(), key=secret)
    await refused(identity.verifier(), token)
    forged_alg = hand_made({"alg": "EdDSA", "typ": "JWT", "kid": "hs-1"}, claims(), key=secret)
    await refused(identity.verifier(), forged_alg)


async def test_garbage_instead_of_a_token_is_refused(identity):
    await refused(identity.verifier(), "not-a-jwt")


async def test_unknown_kid_refetches_the_jwks_once_then_is_refused(identity):
    clock = FakeClock()
    verifier = identity.verifier(clock)
    await verifier.verify(identity.issue("ed-1"))
    identity.add_key("stranger", publish=False)
    clock.advance(11)
    await refused(verifier, identity.issue("stranger"))
    assert identity.fetches == 2


async def test_key_published_after_rotation_is_found_by_refetching(identity):
    clock = FakeClock()
    verifier = identity.verifier(clock)
    await verifier.verify(identity.issue("ed-1"))
    identity.add_key("ed-2")
    clock.advance(11)
    assert (await verifier.verify(identity.issue("ed-2")))["sub"] == "person-1"
    assert identity.fetches == 2


async def test_flood_of_unknown_kids_fetches_the_jwks_at_most_once_more(identity):
    clock = FakeClock()
    verifier = identity.verifier(clock)
    await verifier.verify(identity.issue("ed-1"))
    clock.advance(11)
    junk = [hand_made({"alg": "EdDSA", "kid": f"junk-{n}"}, claims(), key=None) for n in range(100)]
    outcomes = await asyncio.gather(*(verifier.verify(t) for t in junk), return_exceptions=True)
    assert all(isinstance(o, InvalidToken) for o in outcomes)
    assert identity.fetches == 2


async def test_jwks_down_with_nothing_cached_is_a_retryable_503(identity):
    identity.down = True
    with pytest.raises(AuthUnavailable) as caught:
        await identity.verifier().verify(identity.issue("ed-1"))
    assert caught.value.status == 503 and caught.value.extra["headers"]["Retry-After"]


async def test_cached_keys_keep_working_while_the_jwks_is_down(identity):
    clock = FakeClock()
    verifier = identity.verifier(clock)
    await verifier.verify(identity.issue("ed-1"))
    identity.down = True
    clock.advance(301)
    assert (await verifier.verify(identity.issue("ed-1")))["sub"] == "person-1"


async def test_key_withdrawn_from_the_jwks_is_refused_once_the_cache_expires(identity):
    clock = FakeClock()
    verifier = identity.verifier(clock)
    await verifier.verify(identity.issue("es-1"))
    identity.published = [k for k in identity.published if k["kid"] != "es-1"]
    clock.advance(301)
    await refused(verifier, identity.issue("es-1"))
    assert identity.fetches == 2


class CountingDecode:
    """jwt.decode, counting the signature checks the verifier makes."""

    def __init__(self) -> None:
        self.calls = 0
        self._decode = jwt.decode

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self._decode(*args, **kwargs)


@pytest.fixture
def decode(monkeypatch: pytest.MonkeyPatch) -> CountingDecode:
    counting = CountingDecode()
    monkeypatch.setattr("kit.jwks.jwt.decode", counting)
    return counting


async def test_a_token_verified_once_is_answered_from_memory(identity, decode):
    verifier, token = identity.verifier(), identity.issue("ed-1")
    first = await verifier.verify(token)
    first["facts"] = "added by a caller"  # a copy: what a caller adds is not remembered
    again = await verifier.verify(token)
    assert decode.calls == 1 and again["sub"] == "person-1" and "facts" not in again


async def test_a_remembered_token_is_refused_once_past_its_expiry_and_leeway(identity, decode):
    wall = FakeClock()
    wall.now = time.time()
    verifier = TokenVerifier(
        jwks_url=JWKS_URL,
        issuer=ISSUER,
        audience=AUDIENCE,
        client=httpx.AsyncClient(transport=httpx.MockTransport(identity.handler)),
        clock=FakeClock(),
        wall_clock=wall,
    )
    token = identity.issue("ed-1", exp=int(wall.now) + 60)
    await verifier.verify(token)
    wall.advance(60 + 29)  # within the 30 s leeway: still remembered
    assert (await verifier.verify(token))["sub"] == "person-1" and decode.calls == 1
    wall.advance(2)
    await verifier.verify(token)  # no longer remembered: checked by the library again
    assert decode.calls == 2


async def test_a_remembered_token_is_checked_again_after_the_jwks_is_refetched(identity, decode):
    clock = FakeClock()
    verifier = identity.verifier(clock)
    token = identity.issue("ed-1")
    await verifier.verify(token)
    identity.published = [k for k in identity.published if k["kid"] != "ed-1"]
    clock.advance(301)
    await refused(verifier, token)


async def test_refusals_are_never_remembered(identity, decode):
    verifier = identity.verifier()
    header, _, signature = identity.issue("ed-1").split(".")
    forged = f"{header}.{b64(json.dumps(claims(sub='x')).encode())}.{signature}"
    for _ in range(2):
        await refused(verifier, forged)
    assert decode.calls == 2


async def test_remembered_tokens_are_bounded_least_recently_used_first(identity, decode):
    verifier = TokenVerifier(
        jwks_url=JWKS_URL,
        issuer=ISSUER,
        audience=AUDIENCE,
        client=httpx.AsyncClient(transport=httpx.MockTransport(identity.handler)),
        clock=FakeClock(),
        cache_size=2,
    )
    a, b, c = (identity.issue("ed-1", sub=s) for s in ("a", "b", "c"))
    for token in (a, b, a, c):  # c pushes out b, the least recently used
        await verifier.verify(token)
    assert decode.calls == 3
    await verifier.verify(a)
    assert decode.calls == 3
    await verifier.verify(b)
    assert decode.calls == 4


def test_a_token_id_seen_before_gives_its_principal_without_parsing_again():
    claims = {"sub": "p-1", "jti": uuid.uuid4().hex, "name": "甲", "verified": True, "roles": []}
    first = principal_from_claims(claims)
    assert principal_from_claims(dict(claims)) is first
    # The memo is only ever a shortcut for the same signed token: another person's claims
    # under the same id (which identity never issues) are parsed on their own.
    other = principal_from_claims({**claims, "sub": "p-2", "verified": False})
    assert other.sub == "p-2" and other.verified is False
    # Claims without a token id are parsed every time.
    bare = {"sub": "p-3", "name": "乙"}
    assert principal_from_claims(bare) == principal_from_claims(bare)
    assert principal_from_claims(bare) is not principal_from_claims(bare)
