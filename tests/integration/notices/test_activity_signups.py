"""Organising an activity and signing up: capacity under concurrency, the waiting list, input."""

from __future__ import annotations

import asyncio

from tests.integration.notices.activities_harness import (
    ActivitiesHarness,
    activities,
    activities_module,
    draft,
)

__all__ = ["activities", "activities_module"]


async def test_fifty_concurrent_signups_for_ten_places_confirm_ten_and_queue_forty_in_order(
    activities: ActivitiesHarness,
):
    community = await activities.community()
    staff = await activities.staff(community)
    act = await activities.organise(staff, community, capacity=10)
    people = await asyncio.gather(*(activities.resident(community) for _ in range(50)))

    answers = await asyncio.gather(*(activities.sign_up(p, act["id"]) for p in people))

    assert all(a.status_code == 201 for a in answers), [a.text for a in answers[:3]]
    rows = await activities.db_fetch(
        "SELECT seq, status FROM activity_participants WHERE activity_id = $1 ORDER BY seq",
        act["id"],
    )
    assert [r["seq"] for r in rows] == list(range(1, 51))
    assert [r["status"] for r in rows] == ["confirmed"] * 10 + ["waiting"] * 40
    positions = sorted(a.json()["waiting_position"] or 0 for a in answers)
    assert positions == [0] * 10 + list(range(1, 41))
    read = await activities.client.get(f"/api/activities/{act['id']}", headers=staff.headers)
    assert (read.json()["confirmed"], read.json()["waiting"]) == (10, 40)


async def test_cancelling_a_confirmed_place_promotes_the_first_in_line(
    activities: ActivitiesHarness,
):
    community = await activities.community()
    staff = await activities.staff(community)
    act = await activities.organise(staff, community, capacity=1)
    first, second, third = [await activities.resident(community) for _ in range(3)]
    for person in (first, second, third):
        assert (await activities.sign_up(person, act["id"])).status_code == 201

    gone = await activities.client.delete(
        f"/api/activities/{act['id']}/signup", headers=first.headers
    )

    assert gone.status_code == 204
    mine = await activities.client.get(f"/api/activities/{act['id']}", headers=second.headers)
    assert mine.json()["my_signup"]["status"] == "confirmed"
    still = await activities.client.get(f"/api/activities/{act['id']}", headers=third.headers)
    assert still.json()["my_signup"] == {
        "status": "waiting",
        "seq": 3,
        "waiting_position": 1,
        "checked_in_at": None,
    }


async def test_signing_up_twice_keeps_the_one_place(activities: ActivitiesHarness):
    community = await activities.community()
    act = await activities.organise(await activities.staff(community), community)
    me = await activities.resident(community)
    first = await activities.sign_up(me, act["id"])
    again = await activities.sign_up(me, act["id"])
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["seq"] == first.json()["seq"] == 1


async def test_signup_is_refused_after_it_closes_and_to_other_communities(
    activities: ActivitiesHarness,
):
    community, other = await activities.community(), await activities.community("fuxing")
    closes = (activities.clock.now).isoformat()
    act = await activities.organise(
        await activities.staff(community), community, signup_closes_at=closes
    )
    late = await activities.sign_up(await activities.resident(community), act["id"])
    stranger = await activities.sign_up(await activities.resident(other), act["id"])
    assert late.status_code == 409
    assert stranger.status_code == 404


async def test_bad_input_names_the_field_and_writes_nothing(activities: ActivitiesHarness):
    community = await activities.community()
    staff = await activities.staff(community)
    now = activities.clock.now
    cases = {
        "ends_at": draft(community, now, ends_at=now.isoformat()),
        "capacity": draft(community, now, capacity=0),
        "title": draft(community, now, title=" "),
        "starts_at": draft(community, now, starts_at="2026-06-01T10:00:00"),
        "signup_closes_at": draft(community, now, signup_closes_at="2030-01-01T00:00:00Z"),
    }
    for field, body in cases.items():
        answer = await activities.client.post("/api/activities", json=body, headers=staff.headers)
        assert answer.status_code == 422, (field, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert field in answer.text, (field, answer.text)
    extra = await activities.client.post(
        "/api/activities", json={**draft(community, now), "points": 5}, headers=staff.headers
    )
    assert extra.status_code == 422
    # Nothing in the community (the stack is shared by the module).
    mine = "SELECT id FROM activities WHERE community_id = $1"
    assert await activities.db_fetch(mine, community.id) == []
    staged = "SELECT id FROM outbox WHERE payload->'data'->>'community_id' = $1"
    assert await activities.db_fetch(staged, str(community.id)) == []


async def test_residents_list_their_communitys_activities_newest_first(
    activities: ActivitiesHarness,
):
    community = await activities.community()
    staff = await activities.staff(community)
    for hours in (1, 3, 2):
        start = activities.clock.now.replace(hour=2 + hours)
        await activities.organise(
            staff,
            community,
            title=f"活动{hours}",
            starts_at=start.isoformat(),
            ends_at=start.replace(hour=start.hour + 1).isoformat(),
        )
    me = await activities.resident(community)
    url = f"/api/activities?community_id={community.id}&limit=2"
    page = (await activities.client.get(url, headers=me.headers)).json()
    rest = await activities.client.get(f"{url}&cursor={page['next_cursor']}", headers=me.headers)
    titles = [a["title"] for a in page["items"] + rest.json()["items"]]
    assert titles == ["活动3", "活动2", "活动1"]
    assert rest.json()["next_cursor"] is None


async def test_the_list_carries_each_residents_own_place_and_waiting_position(
    activities: ActivitiesHarness,
):
    community = await activities.community()
    staff = await activities.staff(community)
    act = await activities.organise(staff, community, capacity=1)
    first, second, idle = [await activities.resident(community) for _ in range(3)]
    for person in (first, second):
        assert (await activities.sign_up(person, act["id"])).status_code == 201
    url = f"/api/activities?community_id={community.id}"

    places = {}
    for name, person in (("first", first), ("second", second), ("idle", idle)):
        page = (await activities.client.get(url, headers=person.headers)).json()
        places[name] = next(a for a in page["items"] if a["id"] == act["id"])["my_signup"]
    assert places["first"]["status"] == "confirmed"
    assert places["second"]["status"] == "waiting"
    assert places["second"]["waiting_position"] == 1
    assert places["idle"] is None
    staff_page = (await activities.client.get(url, headers=staff.headers)).json()
    assert staff_page["items"][0]["my_signup"] is None


async def test_a_cancelled_activity_takes_no_signups_and_cannot_be_completed(
    activities: ActivitiesHarness,
):
    community = await activities.community()
    staff = await activities.staff(community)
    act = await activities.organise(staff, community)
    base = f"/api/activities/{act['id']}"
    called_off = await activities.client.post(f"{base}/cancel", headers=staff.headers)
    assert called_off.status_code == 200 and called_off.json()["status"] == "cancelled"
    assert (
        await activities.sign_up(await activities.resident(community), act["id"])
    ).status_code == 409
    activities.clock.advance(hours=6)
    done = await activities.client.post(f"{base}/complete", headers=staff.headers)
    assert done.status_code == 409 and done.json()["current"] == "cancelled"
    assert (
        await activities.client.post(f"{base}/cancel", headers=staff.headers)
    ).status_code == 409
