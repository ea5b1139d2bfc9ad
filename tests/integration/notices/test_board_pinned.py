"""GET /api/notices/pinned (the phone home screen's section): the pinned notices in force where
the caller lives, their community and the units above it, newest pin first; nobody else's."""

from __future__ import annotations

from datetime import timedelta

from tests.integration.notices.board_harness import (
    BoardHarness,
    Person,
    board,
    board_alone,
    board_module,
)

__all__ = ["board", "board_alone", "board_module"]


async def pinned(board: BoardHarness, who: Person) -> list[str]:
    answer = await board.client.get("/api/notices/pinned", headers=who.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["next_cursor"] is None
    return [item["id"] for item in answer.json()["items"]]


async def test_pinned_notices_in_force_here_and_above_newest_pin_first(
    board_alone: BoardHarness,
) -> None:
    board = board_alone  # pins for the whole district: every resident would see them
    here, there = await board.community(), await board.community("fuxing")
    manager, elsewhere = await board.staff(here), await board.staff(there)
    district = await board.staff(board.district, "district_admin")
    resident, neighbour = await board.resident(here), await board.resident(there)
    ends = (board.clock() + timedelta(hours=1)).isoformat()
    lasting = await board.published(manager, here, title="长期置顶")
    brief = await board.published(manager, here, title="一小时后到期", expires_at=ends)
    plain = await board.published(manager, here, title="未置顶")
    other = await board.published(elsewhere, there, title="别的社区的置顶")
    wide = await board.published(district, board.district, title="全区置顶")
    for notice, by in ((lasting, manager), (brief, manager), (other, elsewhere), (wide, district)):
        board.clock.advance(seconds=1)
        assert (await board.act(by, notice["id"], "pin")).status_code == 200

    assert await pinned(board, resident) == [wide["id"], brief["id"], lasting["id"]]
    assert await pinned(board, manager) == [wide["id"], brief["id"], lasting["id"]]
    assert await pinned(board, neighbour) == [wide["id"], other["id"]]
    assert plain["id"] not in await pinned(board, resident)

    board.clock.advance(hours=2)
    assert await pinned(board, resident) == [wide["id"], lasting["id"]]
    assert (await board.act(manager, lasting["id"], "unpin")).status_code == 200
    assert await pinned(board, resident) == [wide["id"]]
    withdrawn = await board.act(district, wide["id"], "withdraw", {"reason": "已过时"})
    assert withdrawn.status_code == 200
    assert await pinned(board, resident) == []


async def test_pinned_needs_a_token(board: BoardHarness) -> None:
    assert (await board.client.get("/api/notices/pinned")).status_code == 401
