"""Receipts one resident a row and as a workbook: staff see who acknowledged and whom to follow
up; staff of another community get neither."""

from __future__ import annotations

import io
import uuid

from openpyxl import load_workbook

from tests.integration.notices.board_harness import BoardHarness, board, board_module

__all__ = ["board", "board_module"]


async def test_people_by_receipt_state_and_the_workbook(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    household = uuid.uuid4()
    a = await board.resident(community, "张确认", household)
    await board.resident(community, "李同户", household)
    await board.resident(community, "=王公式", uuid.uuid4())
    notice = await board.published(manager, community, require_ack=True)
    assert (await board.act(a, notice["id"], "ack")).status_code == 200

    url = f"/api/notices/{notice['id']}/receipts"
    acked = await board.client.get(f"{url}/people?state=acked", headers=manager.headers)
    assert acked.status_code == 200, acked.text
    assert [p["name"] for p in acked.json()["items"]] == ["张确认"]
    assert acked.json()["items"][0]["acked_at"] is not None
    pending = await board.client.get(
        f"{url}/people?state=not_acked&limit=1", headers=manager.headers
    )
    first = pending.json()
    rest = await board.client.get(
        f"{url}/people?state=not_acked&limit=1&cursor={first['next_cursor']}",
        headers=manager.headers,
    )
    names = [p["name"] for p in first["items"] + rest.json()["items"]]
    assert names == ["李同户", "=王公式"] and rest.json()["next_cursor"] is None

    sheet = await board.client.get(f"{url}.xlsx", headers=manager.headers)
    assert sheet.status_code == 200, sheet.text
    assert sheet.content[:2] == b"PK"
    book = load_workbook(io.BytesIO(sheet.content))
    assert book.sheetnames == ["回执汇总", "待跟进", "居民名单"]
    people = [[c.value for c in row] for row in book["居民名单"].iter_rows(min_row=2)]
    assert {(row[0], row[5]) for row in people} == {
        ("张确认", "已确认"),
        ("李同户", "未读"),
        ("'=王公式", "未读"),
    }
    follow_up = [[c.value for c in row] for row in book["待跟进"].iter_rows(min_row=2)]
    assert [row[2] for row in follow_up] == ["'=王公式"]  # the household with an ack is done


async def test_staff_of_another_community_get_no_receipt_rows(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    stranger = await board.staff(await board.community())
    notice = await board.published(manager, community, require_ack=True)
    url = f"/api/notices/{notice['id']}/receipts"
    for path in (f"{url}/people", f"{url}.xlsx"):
        assert (await board.client.get(path, headers=stranger.headers)).status_code == 404
