"""Categories: kept by the community's staff (and those above), read by its residents."""

from __future__ import annotations

import uuid

from tests.integration.petitions.conftest import PetitionsHarness


async def test_staff_keep_categories_and_residents_read_them(petitions: PetitionsHarness) -> None:
    community = await petitions.community("xicheng")
    staff = await petitions.staff(community)
    town_admin = await petitions.staff(await petitions.town("xicheng"), "district_admin")
    other = await petitions.community("dongcheng")
    other_staff = await petitions.staff(other)
    resident = await petitions.resident(community)
    outsider = await petitions.resident(other)
    made = await petitions.category(community, staff, name="环境卫生", service_code="sanitation")
    by_town = await petitions.category(community, town_admin, name="道路设施")

    url = f"/api/petitions/categories?community_id={community.id}"
    listed = await petitions.client.get(url, headers=resident.headers)
    assert {c["name"] for c in listed.json()["items"]} == {"环境卫生", "道路设施"}
    assert (await petitions.client.get(url, headers=outsider.headers)).status_code == 404
    assert (await petitions.client.get(url, headers=other_staff.headers)).status_code == 404

    same_code = await petitions.client.post(
        "/api/petitions/categories",
        json={
            "community_id": str(community.id),
            "name": "别的",
            "service_code": "sanitation",
            "accept_within_hours": 1,
            "resolve_within_days": 1,
        },
        headers=staff.headers,
    )
    assert same_code.status_code == 409
    foreign = await petitions.client.post(
        "/api/petitions/categories",
        json={
            "community_id": str(community.id),
            "name": "越权",
            "service_code": "x",
            "accept_within_hours": 1,
            "resolve_within_days": 1,
        },
        headers=other_staff.headers,
    )
    assert foreign.status_code == 404
    by_resident = await petitions.client.post(
        "/api/petitions/categories", json={}, headers=resident.headers
    )
    assert by_resident.status_code in (403, 422)

    patch = f"/api/petitions/categories/{made['id']}"
    changed = await petitions.client.patch(
        patch, json={"resolve_within_days": 3, "description": "垃圾清运"}, headers=staff.headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["resolve_within_days"], changed.json()["service_code"]) == (
        3,
        "sanitation",
    )
    hidden = await petitions.client.patch(
        patch, json={"active": False}, headers=other_staff.headers
    )
    missing = await petitions.client.patch(
        f"/api/petitions/categories/{uuid.uuid4()}", json={}, headers=other_staff.headers
    )
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"]
    cleared = await petitions.client.patch(patch, json={"name": None}, headers=staff.headers)
    assert (cleared.status_code, cleared.json()["field"]) == (422, "name")
    clash = await petitions.client.patch(patch, json={"name": "道路设施"}, headers=staff.headers)
    assert clash.status_code == 409
    off = await petitions.client.patch(
        f"/api/petitions/categories/{by_town['id']}", json={"active": False}, headers=staff.headers
    )
    assert off.json()["active"] is False
    listed = await petitions.client.get(url, headers=resident.headers)
    assert [c["name"] for c in listed.json()["items"]] == ["环境卫生"]
