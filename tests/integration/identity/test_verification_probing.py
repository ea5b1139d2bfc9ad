"""Real-name verification: no probing of ID numbers (staff see a taken one); a move unverifies."""

from __future__ import annotations

import json

from tests.integration import support
from tests.integration.identity.conftest import Identity, Tree, register, staff_of
from tests.integration.identity.test_residents import VALID_ID, _has, _is

TAKEN_ID = "511703199001012345"
VERIFY = "/api/identity/me/verification"


async def test_a_number_another_account_holds_is_answered_like_any_submission(
    identity: Identity, tree: Tree
):
    owner = await register(identity, "13600000101", "赵一", tree.fuxing_sq)
    prober = await register(identity, "13600000102", "赵二", tree.fuxing_sq)
    body = {"real_name": "赵一", "id_number": TAKEN_ID}
    first = await identity.client.post(
        VERIFY, json=body, headers=await identity.bearer("13600000101")
    )
    staff = await staff_of(identity, "13600000103", "复兴干部", tree.fuxing_sq)
    approve = "/api/identity/residents/{}/verification/approve"
    verified = await identity.client.post(approve.format(owner), json={}, headers=staff)
    assert verified.status_code == 200
    second = await identity.client.post(
        VERIFY, json=body, headers=await identity.bearer("13600000102")
    )
    assert second.status_code == first.status_code == 202
    assert second.json()["verification_status"] == "pending"
    assert set(second.json()) == set(first.json()) and "conflict" not in second.text
    listed = await identity.client.get(
        "/api/identity/residents", params={"status": "pending"}, headers=staff
    )
    item = next(p for p in listed.json()["items"] if p["id"] == prober)
    assert item["id_number_conflict"] is True
    refused = await identity.client.post(approve.format(prober), json={}, headers=staff)
    assert refused.status_code == 409 and refused.json()["field"] == "id_number"
    me = await identity.client.get("/api/identity/me", headers=await identity.bearer("13600000102"))
    assert me.json()["verification_status"] == "pending"


async def test_verification_attempts_are_throttled_per_person(identity: Identity, tree: Tree):
    await register(identity, "13600000111", "孙一", tree.fuxing_sq)
    resident = await identity.bearer("13600000111")
    bad = {"real_name": "孙一", "id_number": "110105194912310021"}  # wrong check digit
    statuses = [
        (await identity.client.post(VERIFY, json=bad, headers=resident)).status_code
        for _ in range(6)
    ]
    assert statuses == [422] * 5 + [429]
    good = {"real_name": "孙一", "id_number": TAKEN_ID}
    blocked = await identity.client.post(VERIFY, json=good, headers=resident)
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


async def test_a_verified_resident_who_moves_themselves_is_unverified_again(
    identity: Identity, tree: Tree, kafka: str
):
    person = await register(identity, "13700000011", "搬家人", tree.xiaobeijie)
    resident = await identity.bearer("13700000011")
    await identity.client.post(
        "/api/identity/me/verification",
        json={"real_name": "搬家人", "id_number": VALID_ID},
        headers=resident,
    )
    staff = await staff_of(identity, "13700000012", "小北街干部", tree.xiaobeijie)
    approve = f"/api/identity/residents/{person}/verification/approve"
    assert (await identity.client.post(approve, json={}, headers=staff)).status_code == 200
    moved = await identity.client.patch(
        "/api/identity/me", json={"community_id": tree.fuxing_sq}, headers=resident
    )
    assert moved.status_code == 200
    assert moved.json()["community_id"] == tree.fuxing_sq
    assert moved.json()["verification_status"] == "unverified"
    fresh = await identity.bearer("13700000011")
    me = (await identity.client.get("/api/identity/me", headers=fresh)).json()
    assert me["verification_status"] == "unverified"
    records = await support.read_topic(
        kafka, "identity.events", until=lambda r: _has(r, person, "verification_revoked")
    )
    kinds = [json.loads(r.value)["type"] for r in records if _is(r, person, "resident.")]
    assert kinds.index("org.shanzhi.identity.resident.moved.v1") < kinds.index(
        "org.shanzhi.identity.resident.verification_revoked.v1"
    )
    # The new community's staff verify anew.
    resubmitted = await identity.client.post(
        "/api/identity/me/verification",
        json={"real_name": "搬家人", "id_number": VALID_ID},
        headers=fresh,
    )
    assert resubmitted.status_code == 202
    new_staff = await staff_of(identity, "13700000013", "复兴干部", tree.fuxing_sq)
    assert (await identity.client.post(approve, json={}, headers=new_staff)).status_code == 200
