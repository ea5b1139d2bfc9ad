"""Disabling accounts: who may, what it ends at once, and the access facts it publishes."""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from kit.db import asyncpg_dsn
from tests.integration.identity.conftest import (
    Identity,
    Tree,
    grant,
    register,
    staff_of,
)

ACCESS_CHANGED = "org.shanzhi.identity.person.access_changed.v1"


async def _facts(identity: Identity, person: str) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(asyncpg_dsn(identity.database_url))
    try:
        rows = await conn.fetch(
            "SELECT payload::text FROM outbox WHERE type = $1 AND aggregateid = $2 ORDER BY seq",
            ACCESS_CHANGED,
            person,
        )
    finally:
        await conn.close()
    return [json.loads(r[0])["data"] for r in rows]


async def test_a_community_admin_disables_a_resident_of_their_community_only(
    identity: Identity, tree: Tree
):
    person = await register(identity, "13711110001", "吴一", tree.xiaobeijie)
    other = await register(identity, "13711110002", "吴二", tree.fuxing_sq)
    admin_id = await register(identity, "13911110003", "郑主任", tree.xiaobeijie)
    await grant(identity, admin_id, "community_admin", tree.xiaobeijie)
    admin = await identity.bearer("13911110003")
    reason = {"reason": "冒用他人身份"}
    path = "/api/identity/people/{}/disable"
    http = identity.client
    assert (await http.post(path.format(other), json=reason, headers=admin)).status_code == 404
    assert (await http.post(path.format(admin_id), json=reason, headers=admin)).status_code == 403
    assert (await http.post(path.format(person), json={}, headers=admin)).status_code == 422
    answer = await http.post(path.format(person), json=reason, headers=admin)
    assert answer.status_code == 200 and answer.json()["disabled"] is True
    assert (await http.post(path.format(person), json=reason, headers=admin)).status_code == 409
    facts = await _facts(identity, person)
    assert facts[-1]["disabled"] is True and facts[-1]["verified"] is False


async def test_a_community_admin_cannot_disable_an_admin_they_could_not_revoke(
    identity: Identity, tree: Tree
):
    chief = await register(identity, "13911110004", "王书记", tree.xiaobeijie)
    await grant(identity, chief, "district_admin", tree.xicheng)
    peer = await register(identity, "13911110005", "钱主任", tree.xiaobeijie)
    await grant(identity, peer, "community_admin", tree.xiaobeijie)
    staff = await staff_of(identity, "13911110006", "孙干事", tree.xiaobeijie)
    peer_headers = await identity.bearer("13911110005")
    reason = {"reason": "离职"}
    refused = await identity.client.post(
        f"/api/identity/people/{chief}/disable", json=reason, headers=peer_headers
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    by_staff = await identity.client.post(
        f"/api/identity/people/{chief}/disable", json=reason, headers=staff
    )
    assert by_staff.status_code == 403
    by_admin = await identity.client.post(
        f"/api/identity/people/{peer}/disable", json=reason, headers=await identity.admin()
    )
    assert by_admin.status_code == 200


async def test_every_change_of_access_publishes_the_complete_facts(identity: Identity, tree: Tree):
    person = await register(identity, "13911110007", "冯网格", tree.xiaobeijie)
    grant_id = await grant(identity, person, "grid_worker", tree.xiaobeijie)
    revoked = await identity.client.delete(
        f"/api/identity/staff-roles/{grant_id}", headers=await identity.admin()
    )
    assert revoked.status_code == 204
    facts = await _facts(identity, person)
    assert [[r["role"] for r in f["roles"]] for f in facts] == [["grid_worker"], []]
    assert facts[0]["community_id"] == tree.xiaobeijie
