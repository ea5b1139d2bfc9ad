"""Partners' Open311 API keys: shown once, stored and published as SHA-256 only, revoked
one by one or all at once when the partner is disabled, managed by root admins only."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import asyncpg

from kit.db import asyncpg_dsn
from tests.integration.identity.conftest import Identity, Tree, grant, register

ISSUED = "org.shanzhi.identity.partner.api_key_issued.v1"
REVOKED = "org.shanzhi.identity.partner.api_key_revoked.v1"


async def _partner(identity: Identity, name: str = "12345 市民热线") -> str:
    created = await identity.client.post(
        "/api/identity/partners", json={"name": name}, headers=await identity.admin()
    )
    assert created.status_code == 201, created.text
    return str(created.json()["partner_id"])


async def _outbox(identity: Identity, partner: str) -> list[tuple[str, dict[str, Any]]]:
    conn = await asyncpg.connect(asyncpg_dsn(identity.database_url))
    try:
        rows = await conn.fetch(
            "SELECT type, payload FROM outbox WHERE aggregateid = $1 ORDER BY seq", partner
        )
    finally:
        await conn.close()
    return [(r["type"], json.loads(r["payload"])) for r in rows]


async def _stored(identity: Identity, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(asyncpg_dsn(identity.database_url))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def test_an_api_key_is_shown_once_and_only_its_sha256_is_kept_and_published(
    identity: Identity,
):
    admin = await identity.admin()
    partner = await _partner(identity)
    issued = await identity.client.post(
        f"/api/identity/partners/{partner}/api-keys", json={"name": "生产环境"}, headers=admin
    )
    assert issued.status_code == 201, issued.text
    key, key_id = issued.json()["api_key"], issued.json()["key_id"]
    digest = hashlib.sha256(key.encode()).hexdigest()
    listing = await identity.client.get(f"/api/identity/partners/{partner}/api-keys", headers=admin)
    assert listing.status_code == 200
    assert key not in listing.text
    assert [(k["key_id"], k["name"], k["revoked_at"]) for k in listing.json()] == [
        (key_id, "生产环境", None)
    ]
    rows = await _stored(identity, "SELECT * FROM partner_api_keys WHERE partner_id = $1", partner)
    assert [r["key_sha256"] for r in rows] == [digest]
    assert key not in repr([dict(r) for r in rows])
    events = await _outbox(identity, partner)
    assert [t for t, _ in events] == [ISSUED]
    data = events[0][1]["data"]
    assert data["key_sha256"] == digest and data["key_id"] == key_id
    assert data["partner_name"] == "12345 市民热线" and data["name"] == "生产环境"
    assert key not in json.dumps(events)


async def test_revoking_a_key_publishes_once_and_disabling_revokes_the_rest(identity: Identity):
    admin = await identity.admin()
    partner = await _partner(identity)
    base = f"/api/identity/partners/{partner}/api-keys"
    first = (await identity.client.post(base, json={}, headers=admin)).json()["key_id"]
    second = (await identity.client.post(base, json={"name": "备用"}, headers=admin)).json()
    revoked = await identity.client.post(f"{base}/{first}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    again = await identity.client.post(f"{base}/{first}/revoke", headers=admin)
    assert again.status_code == 200
    await identity.client.post(f"/api/identity/partners/{partner}/disable", headers=admin)
    events = await _outbox(identity, partner)
    assert [t for t, _ in events] == [ISSUED, ISSUED, REVOKED, REVOKED]
    assert [e["data"]["key_id"] for _, e in events[2:]] == [first, second["key_id"]]
    listing = (await identity.client.get(base, headers=admin)).json()
    assert all(k["revoked_at"] is not None for k in listing)
    refused = await identity.client.post(base, json={}, headers=admin)
    assert refused.status_code == 409


async def test_unknown_keys_and_partners_are_404_and_bodies_are_checked(identity: Identity):
    admin = await identity.admin()
    partner = await _partner(identity)
    base = f"/api/identity/partners/{partner}/api-keys"
    other = await _partner(identity, "另一平台")
    theirs = (
        await identity.client.post(
            f"/api/identity/partners/{other}/api-keys", json={}, headers=admin
        )
    ).json()["key_id"]
    crossed = await identity.client.post(f"{base}/{theirs}/revoke", headers=admin)
    assert crossed.status_code == 404
    missing = await identity.client.post(
        "/api/identity/partners/ptn_nope/api-keys", json={}, headers=admin
    )
    assert missing.status_code == 404
    extra = await identity.client.post(base, json={"key": "mine"}, headers=admin)
    assert extra.status_code == 422
    assert [t for t, _ in await _outbox(identity, partner)] == []


async def test_only_root_admins_issue_list_or_revoke_api_keys(identity: Identity, tree: Tree):
    partner = await _partner(identity)
    base = f"/api/identity/partners/{partner}/api-keys"
    key_id = (await identity.client.post(base, json={}, headers=await identity.admin())).json()[
        "key_id"
    ]
    town_admin = await register(identity, "13900000131", "镇管理员", tree.xiaobeijie)
    await grant(identity, town_admin, "district_admin", tree.xicheng)
    headers = await identity.bearer("13900000131")
    assert (await identity.client.post(base, json={}, headers=headers)).status_code == 403
    assert (await identity.client.get(base, headers=headers)).status_code == 403
    revoke = await identity.client.post(f"{base}/{key_id}/revoke", headers=headers)
    assert revoke.status_code == 403
    assert (await identity.client.get(base)).status_code == 401
    assert [t for t, _ in await _outbox(identity, partner)] == [ISSUED]
