"""Joining a household needs the member's consent: the head invites, the invitee answers."""

from __future__ import annotations

import json

from tests.integration import support
from tests.integration.identity.conftest import Identity, Tree, register, staff_of


async def _household(identity: Identity, head_phone: str) -> str:
    created = await identity.client.post(
        "/api/identity/households", json={}, headers=await identity.bearer(head_phone)
    )
    assert created.status_code == 201
    return str(created.json()["id"])


async def test_a_heads_request_only_invites_and_nobody_joins_until_they_accept(
    identity: Identity, tree: Tree, kafka: str
):
    await register(identity, "13900000101", "欧阳大海", tree.xiaobeijie)
    invitee = await register(identity, "13900000102", "欧阳小雨", tree.xiaobeijie)
    household = await _household(identity, "13900000101")
    head = await identity.bearer("13900000101")
    members = f"/api/identity/households/{household}/members"
    invited = await identity.client.post(members, json={"person_id": invitee}, headers=head)
    assert invited.status_code == 202 and invited.json()["status"] == "pending"
    assert "欧阳小雨" not in invited.text
    again = await identity.client.post(members, json={"person_id": invitee}, headers=head)
    assert again.status_code == 409
    read = await identity.client.get(f"/api/identity/households/{household}", headers=head)
    assert [m["id"] for m in read.json()["members"]] != [] and invitee not in read.text
    mine = await identity.bearer("13900000102")
    me = await identity.client.get("/api/identity/me", headers=mine)
    assert me.json()["household_id"] is None
    listed = await identity.client.get("/api/identity/me/household-invitations", headers=mine)
    assert [(i["id"], i["head_name"]) for i in listed.json()] == [(invited.json()["id"], "欧**海")]
    accept = f"/api/identity/household-invitations/{invited.json()['id']}/accept"
    assert (await identity.client.post(accept, headers=head)).status_code == 404
    joined = await identity.client.post(accept, headers=mine)
    assert joined.status_code == 200
    assert {m["name"] for m in joined.json()["members"]} == {"欧**海", "欧**雨"}
    assert (await identity.client.post(accept, headers=mine)).status_code == 409
    records = await support.read_topic(
        kafka, "identity.events", until=lambda rs: _joined(rs, invitee)
    )
    assert _joined(records, invitee)


async def test_a_declined_invitation_adds_nobody_and_publishes_nothing(
    identity: Identity, tree: Tree
):
    await register(identity, "13900000111", "钱大", tree.xiaobeijie)
    invitee = await register(identity, "13900000112", "钱二", tree.xiaobeijie)
    household = await _household(identity, "13900000111")
    invited = await identity.client.post(
        f"/api/identity/households/{household}/members",
        json={"person_id": invitee},
        headers=await identity.bearer("13900000111"),
    )
    mine = await identity.bearer("13900000112")
    decline = f"/api/identity/household-invitations/{invited.json()['id']}/decline"
    declined = await identity.client.post(decline, headers=mine)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    me = await identity.client.get("/api/identity/me", headers=mine)
    assert me.json()["household_id"] is None
    listed = await identity.client.get("/api/identity/me/household-invitations", headers=mine)
    assert listed.json() == []
    outbox = await _outbox_joins(identity, invitee)
    assert outbox == 0


async def test_staff_of_the_community_add_a_member_directly_with_masked_names(
    identity: Identity, tree: Tree
):
    await register(identity, "13900000121", "孙大", tree.xiaobeijie)
    member = await register(identity, "13900000122", "孙小二", tree.xiaobeijie)
    household = await _household(identity, "13900000121")
    staff = await staff_of(identity, "13900000123", "小北街干部", tree.xiaobeijie)
    added = await identity.client.post(
        f"/api/identity/households/{household}/members",
        json={"person_id": member},
        headers=staff,
    )
    assert added.status_code == 201
    assert {m["name"] for m in added.json()["members"]} == {"孙*", "孙*二"}


def _joined(records, resident: str) -> bool:
    events = [json.loads(r.value) for r in records]
    return any(
        e.get("subject") == resident and e.get("type", "").endswith("member_joined.v1")
        for e in events
    )


async def _outbox_joins(identity: Identity, resident: str) -> object:
    import asyncpg

    from kit.db import asyncpg_dsn

    conn = await asyncpg.connect(asyncpg_dsn(identity.database_url))
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM outbox WHERE type LIKE '%member_joined%' AND aggregateid = $1",
            resident,
        )
    finally:
        await conn.close()
