"""Check-in with the rotating code (wrong, old, reused, forged), check-out, marks by hand."""

from __future__ import annotations

from typing import Any

from tests.integration.notices.activities_harness import (
    ActivitiesHarness,
    Person,
    Unit,
    activities,
    activities_module,
)

__all__ = ["activities", "activities_module"]


async def running(
    h: ActivitiesHarness, community: Unit | None = None
) -> tuple[dict[str, Any], Person, Person]:
    """An activity with one signed-up resident, the clock at its start; (activity, staff, me)."""
    community = community or await h.community()
    staff = await h.staff(community)
    act = await h.organise(staff, community)
    me = await h.resident(community)
    assert (await h.sign_up(me, act["id"])).status_code == 201
    h.clock.advance(hours=2)
    return act, staff, me


async def screen(h: ActivitiesHarness, act: dict[str, Any], staff: Person) -> dict[str, Any]:
    answer = await h.client.get(f"/api/activities/{act['id']}/checkin-code", headers=staff.headers)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def check_in(h: ActivitiesHarness, act: dict[str, Any], me: Person, code: str) -> Any:
    return await h.client.post(
        f"/api/activities/{act['id']}/checkin", json={"code": code}, headers=me.headers
    )


async def test_the_code_on_the_screen_checks_a_resident_in_once(activities: ActivitiesHarness):
    act, staff, me = await running(activities)
    shown = await screen(activities, act, staff)
    assert len(shown["code"]) == 6 and shown["code"].isdigit()

    first = await check_in(activities, act, me, shown["code"])
    activities.clock.advance(seconds=30)
    again = await check_in(activities, act, me, shown["code"])

    assert first.status_code == 200, first.text
    assert again.status_code == 200
    assert again.json()["checked_in_at"] == first.json()["checked_in_at"]
    read = await activities.client.get(f"/api/activities/{act['id']}", headers=staff.headers)
    assert read.json()["checked_in"] == 1  # the check-in screen's count, once per person


async def test_wrong_old_and_foreign_codes_are_refused_naming_code(
    activities: ActivitiesHarness,
):
    act, staff, me = await running(activities)
    other, other_staff, _ = await running(activities)
    shown = await screen(activities, act, staff)
    foreign = await screen(activities, other, other_staff)
    wrong = f"{(int(shown['code']) + 1) % 10**6:06d}"

    refused = [
        await check_in(activities, act, me, wrong),
        await check_in(activities, act, me, foreign["code"]),
    ]
    activities.clock.advance(seconds=60)  # the previous window's code still counts
    previous_ok = await check_in(activities, act, me, shown["code"])
    assert previous_ok.status_code == 200, previous_ok.text

    activities.clock.advance(seconds=60)  # now two windows on: expired
    late = await check_in(activities, act, me, shown["code"])
    refused.append(late)
    for answer in refused:
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "code" or "code" in answer.text


async def test_the_signed_qr_payload_checks_in_and_a_forged_one_does_not(
    activities: ActivitiesHarness,
):
    act, staff, me = await running(activities)
    shown = await screen(activities, act, staff)
    forged = shown["qr_payload"][:-2] + ("AA" if not shown["qr_payload"].endswith("AA") else "BB")
    assert (await check_in(activities, act, me, forged)).status_code == 422
    assert (await check_in(activities, act, me, shown["qr_payload"])).status_code == 200


async def test_check_in_only_while_the_activity_runs_and_only_with_a_place(
    activities: ActivitiesHarness,
):
    community = await activities.community()
    staff = await activities.staff(community)
    act = await activities.organise(staff, community, capacity=1)
    me, queued = await activities.resident(community), await activities.resident(community)
    await activities.sign_up(me, act["id"])
    await activities.sign_up(queued, act["id"])
    early = await activities.client.get(
        f"/api/activities/{act['id']}/checkin-code", headers=staff.headers
    )
    assert early.status_code == 409
    activities.clock.advance(minutes=90)  # half an hour before the start: the door opens
    shown = await screen(activities, act, staff)
    assert (await check_in(activities, act, queued, shown["code"])).status_code == 403
    assert (await check_in(activities, act, me, shown["code"])).status_code == 200
    activities.clock.advance(hours=4)
    assert (await check_in(activities, act, me, shown["code"])).status_code in (409, 422)


async def test_check_out_counts_hours_to_the_half_hour(activities: ActivitiesHarness):
    act, staff, me = await running(activities)
    assert await check_in(activities, act, me, (await screen(activities, act, staff))["code"])
    activities.clock.advance(hours=2, minutes=10)
    code = (await screen(activities, act, staff))["code"]
    out = await activities.client.post(
        f"/api/activities/{act['id']}/checkout", json={"code": code}, headers=me.headers
    )
    assert out.status_code == 200, out.text
    assert out.json()["hours"] == 2.0


async def test_staff_mark_attendance_by_hand_for_residents_of_the_community(
    activities: ActivitiesHarness,
):
    community = await activities.community()
    act, staff, _ = await running(activities, community)
    no_phone = await activities.resident(community, "张大爷")
    stranger = await activities.resident(await activities.community("fuxing"))
    url = f"/api/activities/{act['id']}/attendance"
    marked = await activities.client.post(
        url, json={"resident_id": str(no_phone.id), "hours": 2.3}, headers=staff.headers
    )
    refused = await activities.client.post(
        url, json={"resident_id": str(stranger.id)}, headers=staff.headers
    )
    assert marked.status_code == 200, marked.text
    assert (marked.json()["status"], marked.json()["hours"]) == ("walk_in", 2.5)
    assert refused.status_code == 422 and "resident_id" in refused.text


async def test_the_roster_shows_places_the_line_and_who_came(activities: ActivitiesHarness):
    community = await activities.community()
    act, staff, me = await running(activities, community)
    walk_in = await activities.resident(community, "张大爷")
    shown = await screen(activities, act, staff)
    assert (await check_in(activities, act, me, shown["code"])).status_code == 200
    url = f"/api/activities/{act['id']}"
    await activities.client.post(
        f"{url}/attendance", json={"resident_id": str(walk_in.id)}, headers=staff.headers
    )
    page = await activities.client.get(f"{url}/participants?limit=1", headers=staff.headers)
    rest = await activities.client.get(
        f"{url}/participants?limit=1&cursor={page.json()['next_cursor']}", headers=staff.headers
    )
    rows = page.json()["items"] + rest.json()["items"]
    assert [(r["resident_id"], r["status"]) for r in rows] == [
        (str(me.id), "confirmed"),
        (str(walk_in.id), "walk_in"),
    ]
    assert rows[1]["name"] == "张大爷" and all(r["checked_in_at"] for r in rows)
    mine = await activities.client.get(f"{url}/participants", headers=me.headers)
    assert mine.status_code == 403
