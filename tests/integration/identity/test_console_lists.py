"""The staff console's lists: grants within a unit, a community's households, and the name a
resident submitted for verification, each scoped to the staff who work there."""

from __future__ import annotations

from tests.integration.identity.conftest import Identity, Tree, grant, register, staff_of


async def test_grants_are_listed_to_the_units_administrators_and_staff_only(
    identity: Identity, tree: Tree
):
    admin_id = await register(identity, "13900000101", "王建国", tree.xiaobeijie)
    await grant(identity, admin_id, "community_admin", tree.xiaobeijie)
    await staff_of(identity, "13900000102", "李秀英", tree.xiaobeijie)
    await staff_of(identity, "13900000103", "刘芳", tree.fuxing_sq)
    admin = await identity.bearer("13900000101")
    path = f"/api/identity/staff-roles?unit_id={tree.xiaobeijie}&limit=1"
    first = await identity.client.get(path, headers=admin)
    assert first.status_code == 200, first.text
    assert first.json()["next_cursor"]
    cursor = first.json()["next_cursor"]
    second = await identity.client.get(f"{path}&cursor={cursor}", headers=admin)
    items = first.json()["items"] + second.json()["items"]
    assert [(g["person_name"], g["role"]) for g in items] == [
        ("王建国", "community_admin"),
        ("李秀英", "community_staff"),
    ]
    assert items[1]["phone"] == "139****0102" and items[1]["unit_name"] == "小北街社区"
    assert second.json()["next_cursor"] is None
    other = f"/api/identity/staff-roles?unit_id={tree.fuxing_sq}"
    refused = await identity.client.get(other, headers=admin)
    assert refused.status_code == 404 and refused.json()["field"] == "unit_id"
    # Staff see their colleagues (to assign cases to them), not another community's.
    staff = await identity.bearer("13900000102")
    own = f"/api/identity/staff-roles?unit_id={tree.xiaobeijie}"
    colleagues = await identity.client.get(own, headers=staff)
    assert colleagues.status_code == 200
    assert {g["person_name"] for g in colleagues.json()["items"]} == {"王建国", "李秀英"}
    assert (await identity.client.get(other, headers=staff)).status_code == 404
    district = await identity.client.get(
        f"/api/identity/staff-roles?unit_id={tree.district}&limit=100",
        headers=await identity.admin(),
    )
    names = {g["person_name"] for g in district.json()["items"]}
    assert {"王建国", "李秀英", "刘芳"} <= names


async def test_households_are_listed_to_their_communitys_staff_only(identity: Identity, tree: Tree):
    await register(identity, "13900000111", "周大富", tree.xiaobeijie)
    member = await register(identity, "13900000112", "周二", tree.xiaobeijie)
    staff = await staff_of(identity, "13900000113", "李秀英", tree.xiaobeijie)
    outsider = await staff_of(identity, "13900000114", "刘芳", tree.fuxing_sq)
    created = await identity.client.post(
        "/api/identity/households",
        json={"address": "小北街12号"},
        headers=await identity.bearer("13900000111"),
    )
    household = created.json()["id"]
    added = await identity.client.post(
        f"/api/identity/households/{household}/members", json={"person_id": member}, headers=staff
    )
    assert added.status_code == 201, added.text
    path = f"/api/identity/households?community_id={tree.xiaobeijie}"
    listed = await identity.client.get(path, headers=staff)
    assert listed.status_code == 200, listed.text
    [row] = listed.json()["items"]
    assert row["id"] == household and row["member_count"] == 2
    assert row["head_name"] == "周*富" and row["address"] == "小北街12号"
    assert "周大富" not in listed.text
    refused = await identity.client.get(path, headers=outsider)
    assert refused.status_code == 404 and refused.json()["field"] == "community_id"
    resident = await identity.client.get(path, headers=await identity.bearer("13900000112"))
    assert resident.status_code == 404


async def test_reviewers_see_the_name_a_resident_submitted(identity: Identity, tree: Tree):
    await register(identity, "13900000121", "小周", tree.xiaobeijie)
    staff = await staff_of(identity, "13900000122", "李秀英", tree.xiaobeijie)
    submitted = await identity.client.post(
        "/api/identity/me/verification",
        json={"real_name": "周晓明", "id_number": "11010519491231002X"},
        headers=await identity.bearer("13900000121"),
    )
    assert submitted.status_code == 202, submitted.text
    assert "周晓明" not in submitted.text  # the resident's own answer does not echo it
    queue = await identity.client.get(
        f"/api/identity/residents?community_id={tree.xiaobeijie}&status=pending", headers=staff
    )
    [row] = queue.json()["items"]
    assert row["name"] == "小周" and row["real_name"] == "周晓明"
    assert row["id_number"] == "110***********002X"


async def test_staff_hand_a_household_to_another_member_and_no_one_else_may(
    identity: Identity, tree: Tree
):
    head = await register(identity, "13900000131", "吴大", tree.xiaobeijie)
    member = await register(identity, "13900000132", "吴二", tree.xiaobeijie)
    stranger = await register(identity, "13900000133", "吴三", tree.xiaobeijie)
    staff = await staff_of(identity, "13900000134", "李秀英", tree.xiaobeijie)
    outsider = await staff_of(identity, "13900000135", "刘芳", tree.fuxing_sq)
    created = await identity.client.post(
        "/api/identity/households", json={"head_id": head}, headers=staff
    )
    household = created.json()["id"]
    await identity.client.post(
        f"/api/identity/households/{household}/members", json={"person_id": member}, headers=staff
    )
    path = f"/api/identity/households/{household}/head"
    not_member = await identity.client.put(path, json={"head_id": stranger}, headers=staff)
    assert not_member.status_code == 422 and not_member.json()["field"] == "head_id"
    by_head = await identity.client.put(
        path, json={"head_id": member}, headers=await identity.bearer("13900000131")
    )
    assert by_head.status_code == 404
    assert (
        await identity.client.put(path, json={"head_id": member}, headers=outsider)
    ).status_code == 404
    handed = await identity.client.put(path, json={"head_id": member}, headers=staff)
    assert handed.status_code == 200 and handed.json()["head_id"] == member
    # The old head may now leave: the new one leaves last.
    left = await identity.client.delete(
        f"/api/identity/households/{household}/members/{head}", headers=staff
    )
    assert left.status_code == 204
