"""Who sees which notice: residents their community's and those above it, never another
community's; staff of another community refused everywhere; reads, acks and receipts."""

from __future__ import annotations

import uuid

from tests.integration.notices.board_harness import BoardHarness, board, board_alone, board_module

__all__ = ["board", "board_alone", "board_module"]


async def test_resident_sees_own_and_district_notices_never_another_communitys(
    board_alone: BoardHarness,
) -> None:
    board = board_alone  # publishes for the whole district: every resident would see it
    mine, other = await board.community(), await board.community("dongcheng")
    district_admin = await board.staff(board.district, "district_admin")
    ours = await board.published(await board.staff(mine), mine, title="本社区公告")
    theirs = await board.published(await board.staff(other), other, title="别的社区公告")
    district = await board.published(district_admin, board.district, category="government")
    resident = await board.resident(mine)
    listed = await board.ids(resident)
    assert ours["id"] in listed and district["id"] in listed
    assert theirs["id"] not in listed
    peek = await board.client.get(f"/api/notices/{theirs['id']}", headers=resident.headers)
    assert peek.status_code == 404
    for suffix in ("sheet.csv", "sheet.xlsx"):
        answer = await board.client.get(
            f"/api/notices/{theirs['id']}/{suffix}", headers=resident.headers
        )
        assert answer.status_code == 404
    assert (await board.act(resident, theirs["id"], "ack")).status_code == 404
    assert await board.ids(resident, f"?unit_id={other.id}") == []


async def test_category_and_keyword_filter_and_unread_mark(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    resident = await board.resident(community)
    party = await board.published(
        manager, community, category="party_affairs", title="党员大会通知"
    )
    road = await board.published(manager, community, title="修路100%完工_公示")
    assert await board.ids(resident, "?category=party_affairs") == [party["id"]]
    assert await board.ids(resident, "?q=100%25") == [road["id"]]
    assert await board.ids(resident, "?q=_") == [road["id"]]
    items = (await board.client.get("/api/notices", headers=resident.headers)).json()["items"]
    assert all(item["unread"] for item in items)
    await board.client.get(f"/api/notices/{party['id']}", headers=resident.headers)
    items = (await board.client.get("/api/notices", headers=resident.headers)).json()["items"]
    assert {i["id"]: i["unread"] for i in items} == {party["id"]: False, road["id"]: True}


async def test_staff_of_another_community_are_refused_everywhere(board: BoardHarness) -> None:
    mine, other = await board.community(), await board.community()
    manager = await board.staff(mine)
    outsider = await board.staff(other)
    draft = await board.create(manager, mine)
    notice = await board.published(manager, mine, require_ack=True)
    assert (await board.create(outsider, mine)).status_code == 404
    for notice_id in (draft.json()["id"], notice["id"]):
        for action, body in (
            ("publish", {}),
            ("pin", {}),
            ("unpin", {}),
            ("withdraw", {"reason": "x"}),
        ):
            answer = await board.act(outsider, notice_id, action, body)
            assert answer.status_code == 404, (action, answer.text)
        patch = await board.client.patch(
            f"/api/notices/{notice_id}", json={"title": "改"}, headers=outsider.headers
        )
        assert patch.status_code == 404
        for path in ("", "/receipts", "/sheet.csv", "/sheet.xlsx"):
            answer = await board.client.get(
                f"/api/notices/{notice_id}{path}", headers=outsider.headers
            )
            assert answer.status_code == 404, (path, answer.text)
        assert (await board.act(outsider, notice_id, "ack")).status_code == 404
    assert notice["id"] not in await board.ids(outsider)
    assert (
        await board.client.get(f"/api/notices?unit_id={mine.id}", headers=outsider.headers)
    ).status_code == 404
    resident = await board.resident(mine)
    assert (await board.create(resident, mine)).status_code == 403


async def test_receipts_count_reads_and_acks_and_list_households_to_visit(
    board: BoardHarness,
) -> None:
    community = await board.community()
    manager = await board.staff(community)
    zhang, wang = uuid.uuid4(), uuid.uuid4()
    zhang_a = await board.resident(community, "张一", zhang)
    await board.resident(community, "张二", zhang)
    wang_a = await board.resident(community, "王一", wang)
    notice = await board.published(manager, community, require_ack=True)
    plain = await board.published(manager, community)
    assert (await board.act(zhang_a, plain["id"], "ack")).status_code == 409
    await board.client.get(f"/api/notices/{notice['id']}", headers=wang_a.headers)
    await board.client.get(f"/api/notices/{notice['id']}", headers=wang_a.headers)
    acked = await board.act(zhang_a, notice["id"], "ack")
    assert acked.status_code == 200 and acked.json()["acked_at"] is not None
    answer = await board.client.get(
        f"/api/notices/{notice['id']}/receipts", headers=manager.headers
    )
    assert answer.status_code == 200, answer.text
    receipts = answer.json()
    assert (receipts["residents"], receipts["read"], receipts["acked"]) == (3, 2, 1)
    by_household = {
        g["id"]: (g["residents"], g["read"], g["acked"]) for g in receipts["by_household"]
    }
    assert by_household == {str(zhang): (2, 1, 1), str(wang): (1, 1, 0)}
    assert receipts["by_community"] == [
        {"id": str(community.id), "residents": 3, "read": 2, "acked": 1}
    ]
    assert receipts["households_not_acknowledged"] == [
        {"household_id": str(wang), "members": ["王一"]}
    ]
