"""Receipts by grid: a resident's grid comes from identity's resident.grid_chosen event, and a
grid worker counts only their grid's residents (to knock on the doors of those who did not
acknowledge)."""

from __future__ import annotations

import json
import uuid

import asyncpg

from kit.db import asyncpg_dsn, unit_of_work
from kit.events import parse_event
from services.notices.consumers import HANDLERS
from tests.integration.identity.conftest import create_unit
from tests.integration.notices.board_harness import BoardHarness, Person, Unit, board, board_module

__all__ = ["board", "board_module"]

GRID_CHOSEN = "org.shanzhi.identity.resident.grid_chosen.v1"


async def _grid(board: BoardHarness, community: Unit, code: str) -> Unit:
    gid = await create_unit(board.identity, "grid", code, f"网格{code}", str(community.id))
    return await board._known(uuid.UUID(gid))


async def _choose(board: BoardHarness, person: Person, grid: Unit) -> None:
    """The resident picks a grid in identity; its event reaches notices' table as consumed."""
    chosen = await board.identity.client.patch(
        "/api/identity/me", json={"grid_id": str(grid.id)}, headers=person.headers
    )
    assert chosen.status_code == 200, chosen.text
    conn = await asyncpg.connect(asyncpg_dsn(board.identity.database_url))
    try:
        payload = await conn.fetchval(
            "SELECT payload FROM outbox WHERE type = $1 AND aggregateid = $2",
            GRID_CHOSEN,
            str(person.id),
        )
    finally:
        await conn.close()
    assert payload is not None, "identity publishes the grid a resident chose"
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    event = parse_event(raw.encode())
    assert "phone" not in raw and str(grid.id) in raw
    async with unit_of_work(board.session_factory) as session:
        await HANDLERS[event.envelope.type](session, event)
        await session.commit()


async def test_receipts_by_grid_and_a_grid_workers_own_view(board: BoardHarness) -> None:
    community = await board.community()
    manager = await board.staff(community)
    east, west = await _grid(board, community, "east"), await _grid(board, community, "west")
    a, b, c = [await board.resident(community, name) for name in ("东一", "西一", "无网格")]
    await _choose(board, a, east)
    await _choose(board, b, west)
    worker = await board.staff(west, "grid_worker")
    elsewhere = await board.staff(await _grid(board, await board.community(), "far"), "grid_worker")
    notice = await board.published(manager, community, require_ack=True)
    assert (await board.act(a, notice["id"], "ack")).status_code == 200

    url = f"/api/notices/{notice['id']}/receipts"
    full = (await board.client.get(url, headers=manager.headers)).json()
    by_grid = {g["id"]: (g["residents"], g["acked"]) for g in full["by_grid"]}
    assert by_grid == {str(east.id): (1, 1), str(west.id): (1, 0), None: (1, 0)}
    assert full["residents"] == 3

    mine = await board.client.get(url, headers=worker.headers)
    assert mine.status_code == 200, mine.text
    assert (mine.json()["residents"], mine.json()["acked"]) == (1, 0)
    assert [g["id"] for g in mine.json()["by_grid"]] == [str(west.id)]
    refused = await board.client.get(url, headers=elsewhere.headers)
    assert refused.status_code == 404
    assert (await board.client.get(url, headers=c.headers)).status_code in (403, 404)
