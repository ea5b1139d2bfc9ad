"""Supports (附议): once per resident however the requests race, withdrawable, neighbours only."""

from __future__ import annotations

import asyncio

from tests.integration.petitions.conftest import PetitionsHarness


async def test_supports_count_once_per_resident_under_concurrency(
    petitions: PetitionsHarness,
) -> None:
    community = await petitions.community()
    staff = await petitions.staff(community)
    author = await petitions.resident(community)
    cat = await petitions.category(community, staff)
    pid = (await petitions.submit(author, community, cat))["id"]
    await petitions.act(staff, pid, "accept", {})
    neighbours = [await petitions.resident(community, f"邻居{i}") for i in range(4)]

    async def support(headers: dict[str, str]) -> int:
        answer = await petitions.client.post(f"/api/petitions/{pid}/support", headers=headers)
        return answer.status_code

    codes = await asyncio.gather(*(support(n.headers) for n in neighbours for _ in range(5)))
    assert set(codes) == {200}
    stored = await petitions.db_val(
        "SELECT count(*) FROM supports WHERE petition_id = $1::uuid", pid
    )
    counted = await petitions.db_val(
        "SELECT supports_count FROM petitions WHERE id = $1::uuid", pid
    )
    assert (stored, counted) == (4, 4)

    withdrawn = await petitions.client.delete(
        f"/api/petitions/{pid}/support", headers=neighbours[0].headers
    )
    assert withdrawn.json() == {"petition_id": pid, "supported": False, "supports_count": 3}
    again = await petitions.client.delete(
        f"/api/petitions/{pid}/support", headers=neighbours[0].headers
    )
    assert again.json()["supports_count"] == 3

    board = await petitions.client.get(
        f"/api/petitions/public?community_id={community.id}&sort=supports"
    )
    assert board.json()["items"][0]["supports_count"] == 3
    assert board.json()["items"][0]["supported_by_me"] is False  # nobody signed in
    url = f"/api/petitions/public?community_id={community.id}"
    mine = await petitions.client.get(url, headers=neighbours[1].headers)
    assert mine.json()["items"][0]["supported_by_me"] is True
    gone = await petitions.client.get(url, headers=neighbours[0].headers)
    assert gone.json()["items"][0]["supported_by_me"] is False
    seen = await petitions.client.get(f"/api/petitions/{pid}", headers=neighbours[1].headers)
    assert seen.json()["supported_by_me"] is True


async def test_who_may_support_what(petitions: PetitionsHarness) -> None:
    community = await petitions.community()
    staff = await petitions.staff(community)
    author = await petitions.resident(community)
    neighbour = await petitions.resident(community)
    unverified = await petitions.resident(community, verified=False)
    outsider = await petitions.resident(await petitions.community("dongcheng"))
    cat = await petitions.category(community, staff)
    public = (await petitions.submit(author, community, cat))["id"]
    private = (await petitions.submit(author, community, cat, visibility="private"))["id"]
    waiting = (await petitions.submit(author, community, cat))["id"]
    for pid in (public, private):
        await petitions.act(staff, pid, "accept", {})

    async def support(who: object, pid: str) -> int:
        headers = who.headers  # type: ignore[attr-defined]
        return (
            await petitions.client.post(f"/api/petitions/{pid}/support", headers=headers)
        ).status_code

    assert await support(author, public) == 409
    assert await support(unverified, public) == 403
    assert await support(outsider, public) == 404
    assert await support(neighbour, private) == 404
    assert await support(neighbour, waiting) == 404
    assert await support(neighbour, public) == 200
