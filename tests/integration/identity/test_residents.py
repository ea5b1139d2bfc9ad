"""Registration, real-name verification and staff scoping, through identity's HTTP API."""

from __future__ import annotations

import json

from tests.integration import support
from tests.integration.identity.conftest import (
    Identity,
    Tree,
    grant,
    register,
    staff_of,
)

VALID_ID = "11010519491231002X"
OTHER_VALID_ID = "511703199001012345"
BAD_CHECK_DIGIT = "110105194912310021"


async def test_registration_answers_201_and_publishes_resident_registered(
    identity: Identity, tree: Tree, kafka: str
):
    person = await register(identity, "138 1234 5678", "张三", tree.xiaobeijie)
    me = (
        await identity.client.get("/api/identity/me", headers=await identity.bearer("13812345678"))
    ).json()
    assert me["id"] == person and me["community_id"] == tree.xiaobeijie
    assert me["verification_status"] == "unverified" and me["phone"] == "138****5678"
    records = await support.read_topic(
        kafka, "identity.events", until=lambda r: _has(r, person, "resident.registered")
    )
    event = next(json.loads(r.value) for r in records if _is(r, person, "resident.registered"))
    assert event["data"]["community_id"] == tree.xiaobeijie
    assert len(event["data"]["phone_hash"]) == 64
    assert "13812345678" not in json.dumps(event)


async def test_bad_registrations_are_422_or_409_naming_the_field_and_change_nothing(
    identity: Identity, tree: Tree
):
    good = {
        "phone": "13912345678",
        "password": "Passw0rd!",
        "name": "李四",
        "community_id": tree.xiaobeijie,
    }
    cases = [
        ({**good, "phone": "12345"}, 422, "phone"),
        ({**good, "name": "长" * 33}, 422, "name"),
        ({**good, "password": "short"}, 422, "password"),
        ({**good, "community_id": tree.xicheng}, 422, "community_id"),  # a town, not a community
        ({**good, "community_id": "6f1c1c36-0000-4000-8000-000000000000"}, 422, "community_id"),
    ]
    for body, status, field in cases:
        answer = await identity.client.post("/api/identity/residents", json=body)
        assert answer.status_code == status, (body, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["field"] == field
    assert (await identity.client.post("/api/identity/residents", json=good)).status_code == 201
    again = await identity.client.post("/api/identity/residents", json={**good, "name": "王五"})
    assert again.status_code == 409 and again.json()["field"] == "phone"
    count = await _count(identity, "SELECT count(*) FROM persons WHERE phone = '13912345678'")
    assert count == 1


async def test_verification_is_reviewed_by_staff_of_the_same_community(
    identity: Identity, tree: Tree, kafka: str
):
    person = await register(identity, "13700000001", "王小明", tree.xiaobeijie)
    resident = await identity.bearer("13700000001")
    bad = await identity.client.post(
        "/api/identity/me/verification",
        json={"real_name": "王小明", "id_number": BAD_CHECK_DIGIT},
        headers=resident,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "id_number"
    sent = await identity.client.post(
        "/api/identity/me/verification",
        json={"real_name": "王小明", "id_number": VALID_ID.lower()},
        headers=resident,
    )
    assert sent.status_code == 202 and sent.json()["id_number"] == "110***********002X"
    approve = f"/api/identity/residents/{person}/verification/approve"
    # The resident cannot approve themselves; staff of another community cannot see them.
    assert (await identity.client.post(approve, json={}, headers=resident)).status_code == 403
    outsider = await staff_of(identity, "13700000002", "外社区干部", tree.fuxing_sq)
    hidden = await identity.client.post(approve, json={}, headers=outsider)
    assert hidden.status_code == 404 and "王小明" not in hidden.text
    staff = await staff_of(identity, "13700000003", "小北街干部", tree.xiaobeijie)
    done = await identity.client.post(approve, json={}, headers=staff)
    assert done.status_code == 200 and done.json()["verification_status"] == "verified"
    assert (await identity.client.post(approve, json={}, headers=staff)).status_code == 409
    records = await support.read_topic(
        kafka, "identity.events", until=lambda r: _has(r, person, "resident.verified")
    )
    assert _has(records, person, "resident.verified")
    assert VALID_ID not in b"".join(r.value for r in records).decode()
    stored = await _count(identity, f"SELECT id_number_enc FROM persons WHERE id = '{person}'")
    assert VALID_ID not in str(stored)


async def test_staff_list_only_their_own_communities_residents_with_keyset_pages(
    identity: Identity, tree: Tree
):
    for i in range(5):
        await register(identity, f"1350000000{i}", f"居民{i}", tree.xiaobeijie)
    await register(identity, "13500000009", "复兴居民", tree.fuxing_sq)
    staff = await staff_of(identity, "13500000010", "干部", tree.xiaobeijie)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (
            await identity.client.get("/api/identity/residents", params=params, headers=staff)
        ).json()
        seen += [p["name"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted([f"居民{i}" for i in range(5)] + ["干部"])
    other = await identity.client.get(
        "/api/identity/residents", params={"community_id": tree.fuxing_sq}, headers=staff
    )
    assert other.status_code == 404 and "复兴居民" not in other.text
    resident = await identity.bearer("13500000001")
    assert (
        await identity.client.get("/api/identity/residents", headers=resident)
    ).status_code == 403


async def test_district_admin_sees_every_community(identity: Identity, tree: Tree):
    await register(identity, "13400000001", "甲", tree.xiaobeijie)
    await register(identity, "13400000002", "乙", tree.fuxing_sq)
    page = (
        await identity.client.get("/api/identity/residents", headers=await identity.admin())
    ).json()
    assert {"甲", "乙"} <= {p["name"] for p in page["items"]}


async def test_a_resident_cannot_grant_roles(identity: Identity, tree: Tree):
    person = await register(identity, "13300000001", "钱七", tree.xiaobeijie)
    answer = await identity.client.post(
        "/api/identity/staff-roles",
        json={"person_id": person, "role": "community_admin", "unit_id": tree.xiaobeijie},
        headers=await identity.bearer("13300000001"),
    )
    assert answer.status_code == 403
    assert (await _count(identity, "SELECT count(*) FROM staff_roles")) == 1  # the first admin


async def test_community_admin_grants_staff_in_own_community_only(identity: Identity, tree: Tree):
    admin_id = await register(identity, "13300000010", "社区书记", tree.xiaobeijie)
    await grant(identity, admin_id, "community_admin", tree.xiaobeijie)
    community_admin = await identity.bearer("13300000010")
    helper = await register(identity, "13300000011", "网格员", tree.xiaobeijie)
    ok = await identity.client.post(
        "/api/identity/staff-roles",
        json={"person_id": helper, "role": "grid_worker", "unit_id": tree.xiaobeijie},
        headers=community_admin,
    )
    assert ok.status_code == 201
    for role, unit in (("district_admin", tree.xicheng), ("community_staff", tree.fuxing_sq)):
        refused = await identity.client.post(
            "/api/identity/staff-roles",
            json={"person_id": helper, "role": role, "unit_id": unit},
            headers=community_admin,
        )
        assert refused.status_code == 403, (role, refused.text)


async def test_a_community_admin_cannot_appoint_another_communitys_resident_nor_tell_them_apart(
    identity: Identity, tree: Tree
):
    admin_id = await register(identity, "13300000020", "社区书记", tree.xiaobeijie)
    await grant(identity, admin_id, "community_admin", tree.xiaobeijie)
    community_admin = await identity.bearer("13300000020")
    foreign = await register(identity, "13300000021", "复兴居民", tree.fuxing_sq)
    unknown = "6f1c1c36-0000-4000-8000-000000000000"
    answers = []
    for person in (foreign, unknown):
        answer = await identity.client.post(
            "/api/identity/staff-roles",
            json={"person_id": person, "role": "grid_worker", "unit_id": tree.xiaobeijie},
            headers=community_admin,
        )
        answers.append((answer.status_code, answer.json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 422 and answers[0][1]["field"] == "person_id"
    grants = f"SELECT count(*) FROM staff_roles WHERE person_id = '{foreign}'"
    assert await _count(identity, grants) == 0
    # Outside staff appointed by the district: the root's district_admin may grant anyone.
    await grant(identity, foreign, "community_staff", tree.xiaobeijie)


def _is(record, subject: str, kind: str) -> bool:
    event = json.loads(record.value)
    return bool(event.get("subject") == subject and kind in event.get("type", ""))


def _has(records, subject: str, kind: str) -> bool:
    return any(_is(r, subject, kind) for r in records)


async def _count(identity: Identity, sql: str) -> object:
    import asyncpg

    from kit.db import asyncpg_dsn

    conn = await asyncpg.connect(asyncpg_dsn(identity.database_url))
    try:
        return await conn.fetchval(sql)
    finally:
        await conn.close()


async def test_org_units_grids_and_first_admin_start_up(identity: Identity, tree: Tree):
    admin_id = await register(identity, "13200000001", "社区主任", tree.xiaobeijie)
    await grant(identity, admin_id, "community_admin", tree.xiaobeijie)
    community_admin = await identity.bearer("13200000001")
    body = {"kind": "grid", "code": "xbj-g1", "name": "第一网格", "parent_id": tree.xiaobeijie}
    grid = await identity.client.post("/api/identity/org-units", json=body, headers=community_admin)
    assert grid.status_code == 201
    town = {"kind": "town", "code": "t9", "name": "某镇", "parent_id": tree.district}
    refused = await identity.client.post(
        "/api/identity/org-units", json=town, headers=community_admin
    )
    assert refused.status_code == 403
    wrong_parent = {**body, "code": "g2", "parent_id": tree.xicheng}
    bad = await identity.client.post(
        "/api/identity/org-units", json=wrong_parent, headers=community_admin
    )
    assert bad.status_code == 422 and bad.json()["field"] == "parent_id"
    renamed = await identity.client.patch(
        f"/api/identity/org-units/{tree.xiaobeijie}",
        json={"name": "小北街社区居委会"},
        headers=await identity.admin(),
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "小北街社区居委会"
    resident = await identity.bearer("13200000001")
    chosen = await identity.client.patch(
        "/api/identity/me", json={"grid_id": grid.json()["id"]}, headers=resident
    )
    assert chosen.status_code == 200 and chosen.json()["grid_id"] == grid.json()["id"]
    # Start-up again (as a restart or a second replica would): still one admin, one grant.
    from services.identity.bootstrap import bootstrap
    from services.identity.crypto import Vault

    async with identity.app.state.runtime.session_factory() as session:
        vault = Vault(identity.settings.data_key.get_secret_value())
        await bootstrap(
            session=session, settings=identity.settings, vault=vault, now=identity.clock()
        )
        await session.commit()
    assert await _count(identity, "SELECT count(*) FROM persons WHERE phone = '13800000000'") == 1
    grants = "SELECT count(*) FROM staff_roles WHERE role = 'district_admin'"
    assert await _count(identity, grants) == 1
