"""Another service (points) verifies identity's tokens against identity's JWKS."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter

from kit.deps import CurrentPrincipal, install_auth
from kit.jwks import TokenVerifier
from services.points.app import create_app as create_points
from services.points.config import Settings as PointsSettings
from tests.integration import support
from tests.integration.identity.conftest import Identity, Tree, register

probe = APIRouter()


@probe.get("/api/points/probe")
async def who(principal: CurrentPrincipal) -> dict[str, object]:
    return {"sub": principal.sub, "roles": [g.role for g in principal.roles]}


@pytest.fixture
async def points(identity: Identity, kafka: str) -> AsyncIterator[httpx.AsyncClient]:
    name = support.unique("points")
    url = await support.create_database(name)
    try:
        await support.migrate("points", url)
        settings = PointsSettings(
            database_url=url, kafka_bootstrap_servers=kafka, consumer_enabled=False
        )
        app = create_points(settings)
        app.include_router(probe)
        # The JWKS comes from the identity app over HTTP semantics, in process.
        to_identity = httpx.AsyncClient(transport=httpx.ASGITransport(app=identity.app))
        install_auth(
            app,
            TokenVerifier(
                jwks_url="http://identity/api/identity/.well-known/jwks.json",
                issuer=identity.settings.token_issuer,
                audience=identity.settings.token_audience,
                client=to_identity,
            ),
        )
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://points") as client:
                yield client
        await to_identity.aclose()
    finally:
        await support.drop_database(name)


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def test_points_accepts_a_real_token_and_refuses_forged_ones(
    identity: Identity, tree: Tree, points: httpx.AsyncClient
):
    person = await register(identity, "13700001111", "吴一", tree.xiaobeijie)
    token = (await identity.login("13700001111"))["access_token"]
    ok = await points.get("/api/points/probe", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.json()["sub"] == person

    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    tampered = f"{header}.{b64({**claims, 'sub': 'someone-else'})}.{signature}"
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    stranger_key = Ed25519PrivateKey.generate()
    unknown_kid = jwt.encode(
        claims, stranger_key, algorithm="EdDSA", headers={"kid": "ed-stranger"}
    )
    known_kid = json.loads(base64.urlsafe_b64decode(header + "=="))["kid"]
    wrong_key = jwt.encode(claims, stranger_key, algorithm="EdDSA", headers={"kid": known_kid})
    identity.clock.advance(hours=-1)  # issued an hour ago: long expired now
    expired = (await identity.login("13700001111"))["access_token"]
    identity.clock.advance(hours=1)
    for name, forged in [
        ("tampered", tampered),
        ("alg none", unsigned),
        ("unknown kid", unknown_kid),
        ("wrong key", wrong_key),
        ("expired", expired),
        ("garbage", "a.b.c"),
    ]:
        answer = await points.get(
            "/api/points/probe", headers={"Authorization": f"Bearer {forged}"}
        )
        assert answer.status_code == 401, name
        assert answer.headers["content-type"] == "application/problem+json", name
    assert (await points.get("/api/points/probe")).status_code == 401


async def test_rotation_keeps_the_old_key_published_until_its_tokens_expire(
    identity: Identity, tree: Tree, points: httpx.AsyncClient
):
    from kit.db import make_engine, make_session_factory, unit_of_work
    from services.identity.auth import keys
    from services.identity.crypto import Vault

    await register(identity, "13700002222", "吴二", tree.xiaobeijie)
    old_token = (await identity.login("13700002222"))["access_token"]
    engine = make_engine(identity.database_url, pool_size=1)
    async with unit_of_work(make_session_factory(engine)) as session:
        vault = Vault(identity.settings.data_key.get_secret_value())
        new_kid = await keys.rotate(session=session, vault=vault, now=identity.clock())
        await session.commit()
    await engine.dispose()
    published = (await identity.client.get("/api/identity/.well-known/jwks.json")).json()["keys"]
    assert len(published) == 2 and new_kid in {k["kid"] for k in published}
    headers = {"Authorization": f"Bearer {old_token}"}
    assert (await points.get("/api/points/probe", headers=headers)).status_code == 200
    identity.clock.advance(minutes=2)  # past the activation delay: the new key signs
    new_token = (await identity.login("13700002222"))["access_token"]
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    identity.clock.advance(minutes=30)  # old tokens have long expired: the old key goes
    published = (await identity.client.get("/api/identity/.well-known/jwks.json")).json()["keys"]
    assert [k["kid"] for k in published] == [new_kid]
