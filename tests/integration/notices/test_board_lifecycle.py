"""A notice's life over HTTP: draft, scheduled with a moved clock, published, expired,
withdrawn; edits keep the earlier published text; pinning; events in the outbox."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tests.integration.notices.board_harness import BoardHarness, board, board_alone, board_module

__all__ = ["board", "board_alone", "board_module"]

PUBLISHED = "org.shanzhi.notices.notice.published.v1"
WITHDRAWN = "org.shanzhi.notices.notice.withdrawn.v1"
EVENTS = "SELECT count(*) FROM outbox WHERE aggregateid = $1 AND type = $2"


async def test_scheduled_notice_goes_public_when_the_moved_clock_reaches_it(
    board_alone: BoardHarness,
) -> None:
    board = board_alone  # counts what the job publishes over the whole database
    community = await board.community()
    manager = await board.staff(community)
    resident = await board.resident(community)
    at = board.clock() + timedelta(hours=2)
    created = await board.create(
        manager,
        community,
        publish_at=at.isoformat(),
        expires_at=(at + timedelta(days=1)).isoformat(),
    )
    assert created.status_code == 201, created.text
    notice_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    scheduled = await board.act(manager, notice_id, "publish")
    assert scheduled.json()["status"] == "scheduled"
    assert await board.run_job() == 0
    assert notice_id not in await board.ids(resident)
    assert (
        await board.client.get(f"/api/notices/{notice_id}", headers=resident.headers)
    ).status_code == 404

    board.clock.advance(hours=2)
    assert await board.run_job() == 1
    assert await board.run_job() == 0
    assert notice_id in await board.ids(resident)
    read = await board.client.get(f"/api/notices/{notice_id}", headers=resident.headers)
    assert read.json()["status"] == "published"
    assert await board.db_val(EVENTS, notice_id, PUBLISHED) == 1

    board.clock.advance(days=1)
    assert notice_id not in await board.ids(resident)
    gone = await board.client.get(f"/api/notices/{notice_id}", headers=resident.headers)
    assert gone.status_code == 404
    staff_sees = await board.client.get(f"/api/notices/{notice_id}", headers=manager.headers)
    assert staff_sees.status_code == 200


async def test_two_replicas_running_the_job_publish_each_notice_once(
    board_alone: BoardHarness,
) -> None:
    board = board_alone  # counts what the job publishes over the whole database
    community = await board.community()
    manager = await board.staff(community)
    at = board.clock() + timedelta(minutes=5)
    ids = []
    for _ in range(5):
        created = await board.create(manager, community, publish_at=at.isoformat())
        ids.append(created.json()["id"])
        await board.act(manager, ids[-1], "publish")
    board.clock.advance(minutes=5)
    counts = await asyncio.gather(board.run_job(), board.run_job(), board.run_job())
    assert sum(counts) == 5
    for notice_id in ids:
        assert await board.db_val(EVENTS, notice_id, PUBLISHED) == 1


async def test_editing_a_published_notice_keeps_the_earlier_text_for_staff(
    board: BoardHarness,
) -> None:
    community = await board.community()
    manager = await board.staff(community)
    resident = await board.resident(community)
    notice = await board.published(manager, community, body="第一版内容")
    edited = await board.client.patch(
        f"/api/notices/{notice['id']}", json={"body": "第二版内容"}, headers=manager.headers
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2
    assert [v["body"] for v in edited.json()["versions"]] == ["第一版内容"]
    seen = (await board.client.get(f"/api/notices/{notice['id']}", headers=resident.headers)).json()
    assert seen["body"] == "第二版内容"
    assert seen["versions"] is None


async def test_withdrawn_notice_is_kept_with_its_reason_and_hidden_from_residents(
    board: BoardHarness,
) -> None:
    community = await board.community()
    manager = await board.staff(community)
    resident = await board.resident(community)
    notice = await board.published(manager, community)
    refused = await board.act(manager, notice["id"], "withdraw", {"reason": ""})
    assert refused.status_code == 422
    assert refused.json()["field"] == "reason"
    answer = await board.act(manager, notice["id"], "withdraw", {"reason": "内容有误，重新发布"})
    assert answer.status_code == 200
    assert answer.json()["withdraw_reason"] == "内容有误，重新发布"
    assert notice["id"] not in await board.ids(resident)
    assert await board.db_val(EVENTS, notice["id"], WITHDRAWN) == 1
    again = await board.act(manager, notice["id"], "withdraw", {"reason": "再撤"})
    assert again.status_code == 409
    staff_list = await board.ids(manager)
    assert notice["id"] in staff_list


async def test_a_unit_pins_at_most_three_and_pinned_come_first(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    resident = await board.resident(community)
    notices = [await board.published(manager, community, title=f"公告{i}") for i in range(5)]
    for notice in notices[:3]:
        assert (await board.act(manager, notice["id"], "pin")).status_code == 200
    fourth = await board.act(manager, notices[3]["id"], "pin")
    assert fourth.status_code == 409
    listed = await board.ids(resident)
    assert set(listed[:3]) == {n["id"] for n in notices[:3]}
    assert (await board.act(manager, notices[0]["id"], "unpin")).status_code == 200
    assert (await board.act(manager, notices[3]["id"], "pin")).status_code == 200


async def test_bad_input_names_the_field_and_writes_nothing(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    in_community = "SELECT count(*) FROM notices WHERE unit_id = $1"  # the stack is shared
    before = await board.db_val(in_community, community.id)
    cases = [
        ({"category": "gossip"}, "category"),
        ({"title": ""}, "title"),
        ({"publish_at": "2026-01-01T08:00:00"}, "publish_at"),
        ({"colour": "red"}, "colour"),
        (
            {
                "expires_at": board.clock().isoformat(),
                "publish_at": (board.clock() + timedelta(days=1)).isoformat(),
            },
            "expires_at",
        ),
    ]
    for fields, name in cases:
        answer = await board.create(manager, community, **fields)
        assert answer.status_code == 422, (fields, answer.text)
        assert answer.json()["field"] == name
    assert await board.db_val(in_community, community.id) == before


async def test_concurrent_pins_in_one_unit_stop_at_three(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    notices = [await board.published(manager, community, title=f"公告{i}") for i in range(6)]
    answers = await asyncio.gather(*(board.act(manager, n["id"], "pin") for n in notices))
    assert sorted(a.status_code for a in answers) == [200, 200, 200, 409, 409, 409]
    sql = "SELECT count(*) FROM notices WHERE unit_id = $1 AND pinned_at IS NOT NULL"
    assert await board.db_val(sql, community.id) == 3


async def test_the_job_started_with_the_app_publishes_a_due_notice(board: BoardHarness) -> None:
    """No direct call: the background job app.py starts picks it up within its period."""
    community = await board.community()
    manager = await board.staff(community)
    resident = await board.resident(community)
    at = board.clock() + timedelta(minutes=30)
    created = await board.create(manager, community, publish_at=at.isoformat())
    await board.act(manager, created.json()["id"], "publish")
    board.clock.advance(minutes=30)
    for _ in range(80):
        if created.json()["id"] in await board.ids(resident):
            break
        await asyncio.sleep(0.25)
    assert created.json()["id"] in await board.ids(resident)


async def test_patch_refuses_nulls_and_a_new_time_once_scheduled(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    at = board.clock() + timedelta(hours=1)
    notice_id = (await board.create(manager, community, publish_at=at.isoformat())).json()["id"]
    url = f"/api/notices/{notice_id}"
    nulled = await board.client.patch(url, json={"title": None}, headers=manager.headers)
    assert nulled.status_code == 422 and nulled.json()["field"] == "title"
    await board.act(manager, notice_id, "publish")
    later = (at + timedelta(hours=1)).isoformat()
    moved = await board.client.patch(url, json={"publish_at": later}, headers=manager.headers)
    assert moved.status_code == 409
    kept = await board.client.patch(url, json={"title": "新标题"}, headers=manager.headers)
    assert kept.status_code == 200 and kept.json()["version"] == 1
