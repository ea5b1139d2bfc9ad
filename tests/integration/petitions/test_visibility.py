"""Who sees what: authors, neighbours, staff of the community and of the town, grid workers;
anyone else gets the answer a missing id gets, with nothing leaked."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.petitions.conftest import Person, PetitionsHarness


async def _get(petitions: PetitionsHarness, who: Person | None, pid: str) -> Any:
    headers = who.headers if who else {}
    return await petitions.client.get(f"/api/petitions/{pid}", headers=headers)


async def test_each_role_sees_what_it_may(petitions: PetitionsHarness) -> None:
    community = await petitions.community("xicheng")
    staff = await petitions.staff(community)
    town_staff = await petitions.staff(await petitions.town("xicheng"), "district_admin")
    grid = await petitions.grid(community)
    worker = await petitions.staff(grid, "grid_worker", "赵网格")
    idle_worker = await petitions.staff(await petitions.grid(community), "grid_worker", "钱网格")
    other = await petitions.community("dongcheng")
    stranger_staff = await petitions.staff(other)
    stranger = await petitions.resident(other, "外人")
    author = await petitions.resident(community, "李四光")
    neighbour = await petitions.resident(community, "邻居")
    cat = await petitions.category(community, staff)

    public = (await petitions.submit(author, community, cat))["id"]
    private = (await petitions.submit(author, community, cat, visibility="private"))["id"]
    for pid in (public, private):
        await petitions.act(staff, pid, "accept", {})
        await petitions.act(staff, pid, "assign", {"assignee_unit_id": str(grid.id)})
        await petitions.act(staff, pid, "note", {"text": "内部：当事人情绪激动"})

    # The author and every staff member on the matter see it all; only staff see notes.
    for who, notes in [(author, False), (staff, True), (town_staff, True), (worker, True)]:
        for pid in (public, private):
            seen = await _get(petitions, who, pid)
            assert seen.status_code == 200, (who, seen.text)
            kinds = {e["kind"] for e in seen.json()["timeline"]}
            assert ("note" in kinds) is notes
    # A neighbour reads the public one as the board shows it, and not the private one.
    board_view = (await _get(petitions, neighbour, public)).json()
    assert board_view["author_id"] is None and board_view["author_name"] == "李*光"
    assert board_view["assignee_id"] is None
    assert "note" not in {e["kind"] for e in board_view["timeline"]}
    for who, pid in [
        (neighbour, private),
        (stranger, public),
        (stranger_staff, public),
        (stranger_staff, private),
        (idle_worker, private),
    ]:
        refused = await _get(petitions, who, pid)
        assert refused.status_code == 404, (who, pid)
        assert (
            refused.json()["detail"]
            == (await _get(petitions, who, str(uuid.uuid4()))).json()["detail"]
        )
    assert (await _get(petitions, None, public)).status_code == 401


async def test_lists_keep_to_the_callers_scope(petitions: PetitionsHarness) -> None:
    community = await petitions.community("xicheng")
    staff = await petitions.staff(community)
    town_staff = await petitions.staff(await petitions.town("xicheng"), "district_admin")
    other = await petitions.community("dongcheng")
    other_staff = await petitions.staff(other)
    author = await petitions.resident(community)
    elsewhere = await petitions.resident(other)
    cat = await petitions.category(community, staff)
    other_cat = await petitions.category(other, other_staff)
    mine = (await petitions.submit(author, community, cat))["id"]
    theirs = (await petitions.submit(elsewhere, other, other_cat))["id"]

    async def ids(who: Person, query: str) -> set[str]:
        answer = await petitions.client.get(f"/api/petitions?{query}", headers=who.headers)
        assert answer.status_code == 200, answer.text
        return {p["id"] for p in answer.json()["items"]}

    assert await ids(author, "mine=true") == {mine}
    assert await ids(staff, "") == {mine}
    assert await ids(town_staff, "") == {mine}
    assert await ids(other_staff, "") == {theirs}
    assert await ids(staff, "status=open") == {mine}
    assert await ids(staff, "status=closed") == set()
    assert await ids(staff, f"category_id={cat['id']}") == {mine}
    assert await ids(staff, f"category_id={other_cat['id']}") == set()
    counted = await petitions.client.get("/api/petitions/counts", headers=staff.headers)
    assert counted.status_code == 200, counted.text
    assert counted.json()["by_status"]["submitted"] == 1
    assert (counted.json()["open"], counted.json()["escalated"]) == (1, 0)
    elsewhere_counts = await petitions.client.get(
        f"/api/petitions/counts?category_id={cat['id']}", headers=other_staff.headers
    )
    assert elsewhere_counts.json()["open"] == 0
    refused = await petitions.client.get(
        f"/api/petitions?community_id={other.id}", headers=staff.headers
    )
    assert refused.status_code == 404
    resident_queue = await petitions.client.get("/api/petitions", headers=author.headers)
    assert resident_queue.status_code == 403

    await petitions.act(staff, mine, "accept", {"assignee_id": str(staff.id)})
    assert await ids(staff, "assignee=me") == {mine}
    assert await ids(town_staff, "assignee=me") == set()


async def test_the_public_board_is_open_and_masked(petitions: PetitionsHarness) -> None:
    community = await petitions.community()
    staff = await petitions.staff(community)
    author = await petitions.resident(community, "李四光")
    cat = await petitions.category(community, staff)
    shown = (await petitions.submit(author, community, cat))["id"]
    hidden_name = (await petitions.submit(author, community, cat, anonymous_on_board=True))["id"]
    private = (await petitions.submit(author, community, cat, visibility="private"))["id"]
    waiting = (await petitions.submit(author, community, cat))["id"]
    for pid in (shown, hidden_name, private):
        await petitions.act(staff, pid, "accept", {})
    await petitions.act(staff, shown, "note", {"text": "内部备注"})

    board = await petitions.client.get(f"/api/petitions/public?community_id={community.id}")
    assert board.status_code == 200, board.text
    items = {p["id"]: p for p in board.json()["items"]}
    assert set(items) == {shown, hidden_name}, "private and not yet accepted stay off the board"
    assert items[shown]["author_name"] == "李*光"
    assert items[hidden_name]["author_name"] == "匿名居民"
    assert all(e["kind"] != "note" for p in items.values() for e in p["timeline"])
    assert "内部备注" not in board.text
    assert str(author.id) not in board.text
    one = await petitions.client.get(f"/api/petitions/public/{shown}")
    assert one.status_code == 200 and one.json()["author_id"] is None
    for pid in (private, waiting):
        assert (await petitions.client.get(f"/api/petitions/public/{pid}")).status_code == 404
