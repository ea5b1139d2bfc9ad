"""Staff of another community are refused at every activity route; nothing changes."""

from __future__ import annotations

from tests.integration.notices.activities_harness import (
    ActivitiesHarness,
    activities,
    activities_module,
    draft,
)

__all__ = ["activities", "activities_module"]


async def test_staff_of_another_community_are_refused_everywhere(activities: ActivitiesHarness):
    community, other = await activities.community(), await activities.community("fuxing")
    act = await activities.organise(await activities.staff(community), community)
    outsider = await activities.staff(other)
    resident = await activities.resident(community)
    base = f"/api/activities/{act['id']}"
    now = activities.clock.now
    activities.clock.advance(hours=2)
    calls = [
        ("POST", "/api/activities", draft(community, now)),
        ("GET", f"/api/activities?community_id={community.id}", None),
        ("GET", base, None),
        ("GET", f"{base}/checkin-code", None),
        ("GET", f"{base}/participants", None),
        ("POST", f"{base}/cancel", {}),
        ("POST", f"{base}/attendance", {"resident_id": str(resident.id)}),
        ("POST", f"{base}/complete", {}),
    ]
    for method, url, body in calls:
        answer = await activities.client.request(method, url, json=body, headers=outsider.headers)
        assert answer.status_code in (403, 404), (method, url, answer.status_code)
    activities.clock.advance(hours=10)
    late = await activities.client.post(f"{base}/complete", json={}, headers=outsider.headers)
    assert late.status_code == 404
    # The two communities' activities and places (the stack is shared by the module).
    ids = [community.id, other.id]
    rows = await activities.db_fetch(
        "SELECT status FROM activities WHERE community_id = ANY($1::uuid[])", ids
    )
    assert [r["status"] for r in rows] == ["open"]
    assert (
        await activities.db_fetch(
            "SELECT p.id FROM activity_participants p JOIN activities a ON a.id = p.activity_id "
            "WHERE a.community_id = ANY($1::uuid[])",
            ids,
        )
        == []
    )


async def test_district_staff_may_run_any_communitys_activity(activities: ActivitiesHarness):
    community = await activities.community()
    district = await activities.staff(activities.district, "district_admin", home=community)
    act = await activities.organise(district, community)
    activities.clock.advance(hours=2)
    code = await activities.client.get(
        f"/api/activities/{act['id']}/checkin-code", headers=district.headers
    )
    assert code.status_code == 200


async def test_residents_do_not_get_the_staff_screen(activities: ActivitiesHarness):
    community = await activities.community()
    act = await activities.organise(await activities.staff(community), community)
    me = await activities.resident(community)
    activities.clock.advance(hours=2)
    code = await activities.client.get(
        f"/api/activities/{act['id']}/checkin-code", headers=me.headers
    )
    made = await activities.client.post(
        "/api/activities", json=draft(community, activities.clock.now), headers=me.headers
    )
    assert (code.status_code, made.status_code) == (403, 403)
