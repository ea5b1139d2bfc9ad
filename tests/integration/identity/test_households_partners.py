"""Households with their events, and partner platforms with secrets and the internal lookup."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from tests.integration import support
from tests.integration.identity.conftest import Identity, Tree, grant, register, staff_of


async def test_household_membership_is_exclusive_and_published(
    identity: Identity, tree: Tree, kafka: str
):
    head = await register(identity, "13900000001", "周大", tree.xiaobeijie)
    member = await register(identity, "13900000002", "周二", tree.xiaobeijie)
    outsider = await register(identity, "13900000003", "吴三", tree.fuxing_sq)
    head_auth = await identity.bearer("13900000001")
    created = await identity.client.post(
        "/api/identity/households", json={"address": "小北街12号"}, headers=head_auth
    )
    assert created.status_code == 201 and created.json()["head_id"] == head
    household = created.json()["id"]
    members = f"/api/identity/households/{household}/members"
    invited = await identity.client.post(members, json={"person_id": member}, headers=head_auth)
    assert invited.status_code == 202 and invited.json()["status"] == "pending"
    member_auth = await identity.bearer("13900000002")
    accept = f"/api/identity/household-invitations/{invited.json()['id']}/accept"
    added = await identity.client.post(accept, headers=member_auth)
    assert added.status_code == 200
    assert {m["name"] for m in added.json()["members"]} == {"周*"}
    assert "周大" not in added.text and "周二" not in added.text
    wrong_place = await identity.client.post(
        members, json={"person_id": outsider}, headers=head_auth
    )
    assert wrong_place.status_code == 422 and wrong_place.json()["field"] == "person_id"
    # Someone else's household may not take a member who already belongs to one.
    other_head = await register(identity, "13900000004", "郑四", tree.xiaobeijie)
    other = await identity.client.post(
        "/api/identity/households", json={}, headers=await identity.bearer("13900000004")
    )
    asked = await identity.client.post(
        f"/api/identity/households/{other.json()['id']}/members",
        json={"person_id": member},
        headers=await identity.bearer("13900000004"),
    )
    taken = await identity.client.post(
        f"/api/identity/household-invitations/{asked.json()['id']}/accept", headers=member_auth
    )
    assert taken.status_code == 409 and other_head
    left = await identity.client.delete(
        f"{members}/{member}", headers=await identity.bearer("13900000002")
    )
    assert left.status_code == 204
    me = await identity.client.get("/api/identity/me", headers=await identity.bearer("13900000002"))
    assert me.json()["household_id"] is None
    records = await support.read_topic(
        kafka,
        "identity.events",
        until=lambda rs: sum(_event(r, household) is not None for r in rs) >= 3,
    )
    # Keyed by resident: each person's events are in order (partitions interleave freely).
    events = [e for r in records if (e := _event(r, household))]
    by_person: dict[str, list[str]] = {}
    for event in events:
        by_person.setdefault(event["data"]["resident_id"], []).append(event["type"].split(".")[-2])
    assert by_person == {head: ["member_joined"], member: ["member_joined", "member_left"]}
    assert all(e["subject"] == e["data"]["resident_id"] for e in events)


async def test_staff_of_another_community_cannot_touch_a_household(identity: Identity, tree: Tree):
    await register(identity, "13900000011", "冯一", tree.xiaobeijie)
    member = await register(identity, "13900000012", "冯二", tree.xiaobeijie)
    created = await identity.client.post(
        "/api/identity/households", json={}, headers=await identity.bearer("13900000011")
    )
    outsider = await staff_of(identity, "13900000013", "复兴干部", tree.fuxing_sq)
    household = created.json()["id"]
    add = await identity.client.post(
        f"/api/identity/households/{household}/members",
        json={"person_id": member},
        headers=outsider,
    )
    assert add.status_code == 404
    read = await identity.client.get(f"/api/identity/households/{household}", headers=outsider)
    assert read.status_code == 404 and "冯一" not in read.text


async def test_partner_secret_is_shown_once_rotates_with_grace_and_disables(identity: Identity):
    admin = await identity.admin()
    created = await identity.client.post(
        "/api/identity/partners", json={"name": "新时代文明实践信息平台"}, headers=admin
    )
    assert created.status_code == 201
    partner, first = created.json()["partner_id"], created.json()["secret"]
    listing = await identity.client.get("/api/identity/partners", headers=admin)
    assert first not in listing.text and listing.json()[0]["enabled"] is True
    internal = f"/internal/partners/{partner}/secrets"
    token = {"X-Internal-Token": identity.settings.internal_api_token.get_secret_value()}
    assert (await identity.client.get(internal)).status_code == 401
    assert (await identity.client.get(internal, headers=token)).json()["secrets"] == [first]
    rotated = await identity.client.post(
        f"/api/identity/partners/{partner}/rotate-secret", headers=admin
    )
    second = rotated.json()["secret"]
    grace_ends = datetime.fromisoformat(rotated.json()["previous_valid_until"])
    grace = timedelta(hours=identity.settings.partner_secret_grace_hours)
    assert grace_ends - identity.clock() == grace  # the console tells the admin until when
    assert (await identity.client.get(internal, headers=token)).json()["secrets"] == [second, first]
    identity.clock.advance(hours=identity.settings.partner_secret_grace_hours, seconds=1)
    assert (await identity.client.get(internal, headers=token)).json()["secrets"] == [second]
    await identity.client.post(f"/api/identity/partners/{partner}/disable", headers=admin)
    after = (await identity.client.get(internal, headers=token)).json()
    assert after == {"partner_id": partner, "enabled": False, "secrets": []}


async def test_only_district_admins_manage_partners(identity: Identity, tree: Tree):
    staff = await staff_of(identity, "13900000021", "社区干部", tree.xiaobeijie)
    answer = await identity.client.post("/api/identity/partners", json={"name": "x"}, headers=staff)
    assert answer.status_code == 403


async def test_a_town_level_district_admin_cannot_manage_partners_or_rotate_keys(
    identity: Identity, tree: Tree
):
    town_admin_id = await register(identity, "13900000031", "镇管理员", tree.xiaobeijie)
    await grant(identity, town_admin_id, "district_admin", tree.xicheng)
    town_admin = await identity.bearer("13900000031")
    created = await identity.client.post(
        "/api/identity/partners", json={"name": "志愿平台"}, headers=await identity.admin()
    )
    partner = created.json()["partner_id"]
    attempts = [
        ("/api/identity/partners", {"name": "镇里的平台"}),
        (f"/api/identity/partners/{partner}/rotate-secret", None),
        (f"/api/identity/partners/{partner}/disable", None),
        ("/api/identity/keys/rotate", None),
    ]
    for path, body in attempts:
        answer = await identity.client.post(path, json=body, headers=town_admin)
        assert answer.status_code == 403, (path, answer.text)
    listing = await identity.client.get("/api/identity/partners", headers=town_admin)
    assert listing.status_code == 403
    still = await identity.client.get("/api/identity/partners", headers=await identity.admin())
    assert still.json()[0]["enabled"] is True


def _event(record, household: str) -> dict[str, Any] | None:
    event = json.loads(record.value)
    return event if event.get("data", {}).get("household_id") == household else None
