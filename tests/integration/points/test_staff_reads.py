"""Staff reads the console needs: a community's list versions (drafts too), one version, a
resident's postings, and who claimed on a community's claims; none outside their units."""

from __future__ import annotations

from tests.integration.points.conftest import PointsHarness
from tests.integration.points.test_points_api import ITEMS, adjust


async def test_staff_page_through_versions_newest_first_and_read_a_draft(points: PointsHarness):
    community = await points.community()
    staff = await points.staff(community, "community_admin")
    path = f"/api/points/communities/{community.id}/rules"
    ids = []
    for _ in range(3):
        draft = await points.client.post(path, json={"items": ITEMS}, headers=staff)
        assert draft.status_code == 201 and draft.json()["created_at"]
        ids.append(draft.json()["id"])
    await points.client.post(f"/api/points/rules/{ids[0]}/publish", json={}, headers=staff)
    first = (await points.client.get(f"{path}/versions?limit=2", headers=staff)).json()
    assert [v["id"] for v in first["items"]] == [ids[2], ids[1]]
    rest = await points.client.get(
        f"{path}/versions?limit=2&cursor={first['next_cursor']}", headers=staff
    )
    assert [(v["id"], v["status"]) for v in rest.json()["items"]] == [(ids[0], "published")]
    assert rest.json()["items"][0]["published_at"] and rest.json()["next_cursor"] is None
    one = await points.client.get(f"/api/points/rules/{ids[2]}", headers=staff)
    assert one.status_code == 200 and one.json()["status"] == "draft"
    assert [i["code"] for i in one.json()["items"]] == ["VOL", "BAD", "HELP"]


async def test_versions_and_drafts_are_hidden_outside_the_staff_units(points: PointsHarness):
    home, other = await points.community("xicheng"), await points.community("fuxing")
    staff = await points.staff(home)
    draft = await points.client.post(
        f"/api/points/communities/{home.id}/rules", json={"items": ITEMS}, headers=staff
    )
    outsider = await points.staff(other)
    listed = await points.client.get(
        f"/api/points/communities/{home.id}/rules/versions", headers=outsider
    )
    assert listed.status_code == 404
    read = await points.client.get(f"/api/points/rules/{draft.json()['id']}", headers=outsider)
    assert read.status_code == 404 and "VOL" not in read.text
    resident = await points.token(await points.person(home))
    mine = await points.client.get(f"/api/points/rules/{draft.json()['id']}", headers=resident)
    assert mine.status_code == 403


async def test_staff_page_a_residents_postings_and_outsiders_get_404(points: PointsHarness):
    home, other = await points.community("xicheng"), await points.community("fuxing")
    await points.publish_list(home, ITEMS)
    resident = await points.open_resident(home, name="王五")
    staff = await points.staff(home)
    for amount in (3, 4, 5):
        await adjust(points, staff, resident, amount)
    path = f"/api/points/accounts/{resident}/postings"
    first = (await points.client.get(f"{path}?limit=2", headers=staff)).json()
    assert [p["score_delta"] for p in first["items"]] == [5, 4]
    rest = (await points.client.get(f"{path}?cursor={first['next_cursor']}", headers=staff)).json()
    assert [p["score_delta"] for p in rest["items"]] == [3] and rest["next_cursor"] is None
    outsider = await points.client.get(path, headers=await points.staff(other))
    assert outsider.status_code == 404 and "王五" not in outsider.text
