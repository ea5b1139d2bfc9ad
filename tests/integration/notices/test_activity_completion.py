"""Completing an activity: one ActivityAttended per person present, in the outbox and on Kafka."""

from __future__ import annotations

import json
from typing import Any

from tests.integration import support
from tests.integration.notices.activities_harness import (
    ActivitiesHarness,
    Unit,
    activities,
    activities_module,
)

__all__ = ["activities", "activities_module"]

ATTENDED = "org.shanzhi.notices.activity.attended.v1"
CREATED = "org.shanzhi.notices.activity.created.v1"


async def outbox(h: ActivitiesHarness, event_type: str, community: Unit) -> list[dict[str, Any]]:
    """The staged events of a type about the community (the stack is shared by the module)."""
    rows = await h.db_fetch(
        "SELECT payload FROM outbox WHERE type = $1 AND payload->'data'->>'community_id' = $2 "
        "ORDER BY seq",
        event_type,
        str(community.id),
    )
    return [json.loads(r["payload"])["data"] for r in rows]


async def test_completion_publishes_one_attended_event_per_person_present(
    activities: ActivitiesHarness,
):
    community = await activities.community()
    staff = await activities.staff(community)
    act = await activities.organise(staff, community, item_code="volunteer")
    came, absent, walk_in = [await activities.resident(community) for _ in range(3)]
    for person in (came, absent):
        assert (await activities.sign_up(person, act["id"])).status_code == 201
    activities.clock.advance(hours=2)
    base = f"/api/activities/{act['id']}"
    code = (await activities.client.get(f"{base}/checkin-code", headers=staff.headers)).json()
    checked = await activities.client.post(
        f"{base}/checkin", json={"code": code["code"]}, headers=came.headers
    )
    assert checked.status_code == 200
    marked = await activities.client.post(
        f"{base}/attendance",
        json={"resident_id": str(walk_in.id), "hours": 3},
        headers=staff.headers,
    )
    assert marked.status_code == 200
    early = await activities.client.post(f"{base}/complete", json={}, headers=staff.headers)
    assert early.status_code == 409 and await outbox(activities, ATTENDED, community) == []

    activities.clock.advance(hours=3)
    done = await activities.client.post(f"{base}/complete", json={}, headers=staff.headers)
    again = await activities.client.post(f"{base}/complete", json={}, headers=staff.headers)

    assert done.status_code == 200, done.text
    assert done.json() == {"id": act["id"], "status": "completed", "attendees": 2}
    assert again.status_code == 409
    attended = await outbox(activities, ATTENDED, community)
    assert {(e["resident_id"], e["hours"]) for e in attended} == {
        (str(came.id), None),
        (str(walk_in.id), 3.0),
    }
    assert {(e["activity_id"], e["activity_type"], e["community_id"]) for e in attended} == {
        (act["id"], "环境整治", str(community.id))
    }
    created = await outbox(activities, CREATED, community)
    assert [(e["activity_id"], e["title"]) for e in created] == [(act["id"], "河道垃圾清理")]


async def test_attended_events_reach_kafka(activities: ActivitiesHarness, kafka: str):
    community = await activities.community()
    staff = await activities.staff(community)
    act = await activities.organise(staff, community)
    me = await activities.resident(community)
    activities.clock.advance(hours=2)
    base = f"/api/activities/{act['id']}"
    await activities.client.post(
        f"{base}/attendance", json={"resident_id": str(me.id)}, headers=staff.headers
    )
    activities.clock.advance(hours=4)
    assert (await activities.client.post(f"{base}/complete", headers=staff.headers)).is_success

    def mine(records: list[Any]) -> list[dict[str, Any]]:
        events = [json.loads(r.value) for r in records]
        return [e for e in events if e.get("data", {}).get("activity_id") == act["id"]]

    records = await support.read_topic(
        kafka, "notices.events", until=lambda rs: len(mine(rs)) >= 2, timeout=30
    )
    events = {e["type"]: e for e in mine(records)}
    assert set(events) == {CREATED, ATTENDED}
    assert events[ATTENDED]["data"]["resident_id"] == str(me.id)
    assert events[ATTENDED]["subject"] == str(me.id)
