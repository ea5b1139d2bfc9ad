"""村民说事 with every process running: a resident's suggestion, adopted by the community's staff,
becomes points by the community's list, once; the petition's life is on `petitions.events`."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from tests.e2e.platform import Platform
from tests.e2e.scene import Scene, fresh_id_serial, fresh_phone
from tests.e2e.tenants import id_number

AWARD_WITHIN = 30.0  # seconds from the adoption to the resident seeing the points
SYNC_WITHIN = 60.0  # seconds for petitions to learn the community from identity's events
ADOPTED = "org.shanzhi.petitions.petition.adopted.v1"


async def verified_resident(scene: Scene, phone: str, name: str, id_number: str) -> Any:
    """A registered resident, verified by the community's staff; their (new) token."""
    person = await scene.register(phone, name)
    me = await scene.login(phone)
    real = {"real_name": name, "id_number": id_number}
    sent = await scene.gw.post("/api/identity/me/verification", json=real, headers=me)
    assert sent.status_code == 202, sent.text
    approve = f"/api/identity/residents/{person}/verification/approve"
    assert (await scene.gw.post(approve, json={}, headers=scene.staff)).status_code == 200
    return person, await scene.login(phone)  # a token that carries `verified`


async def synced(send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    """`send()` again while petitions has not yet heard of the community (422 on it)."""
    deadline = time.monotonic() + SYNC_WITHIN
    while True:
        answer = await send()
        if answer.status_code != 422 or answer.json().get("field") != "community_id":
            return answer
        assert time.monotonic() < deadline, f"community never synced: {answer.text}"
        await asyncio.sleep(0.3)


@pytest.fixture(scope="module")
async def suggestions(scene: Scene) -> str:
    """The community's 意见建议 category (kind suggestion: adoption may earn points)."""
    body = {
        "community_id": scene.community_id,
        "name": "意见建议",
        "service_code": "suggestions",
        "kind": "suggestion",
        "accept_within_hours": 48,
        "resolve_within_days": 15,
    }
    made = await scene.gw.post("/api/petitions/categories", json=body, headers=scene.staff)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def raise_petition(
    scene: Scene, me: dict[str, str], category: str, title: str, key: str
) -> dict[str, Any]:
    body = {
        "community_id": scene.community_id,
        "category_id": category,
        "title": title,
        "content": "建议在小区东门增设非机动车充电桩，方便居民夜间充电。",
        "location": {"address": "小北街社区东门"},
        "visibility": "public",
    }
    headers = {**me, "Idempotency-Key": key}
    made = await synced(lambda: scene.gw.post("/api/petitions", json=body, headers=headers))
    assert made.status_code == 201, made.text
    return dict(made.json())


async def act(scene: Scene, petition: str, action: str, body: dict[str, Any]) -> httpx.Response:
    path = f"/api/petitions/{petition}/actions/{action}"
    return await scene.gw.post(path, json=body, headers=scene.staff)


async def petition_postings(scene: Scene, me: dict[str, str]) -> list[dict[str, Any]]:
    answer = await scene.gw.get("/api/points/accounts/me/postings", headers=me)
    if answer.status_code != 200:
        return []
    return [p for p in answer.json()["items"] if p["source_type"] == "petition"]


async def petition_records(platform: Platform, petition: str, until: int) -> list[Any]:
    """`petitions.events` from the start, until `until` records are keyed by the petition."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=platform.broker.bootstrap, enable_auto_commit=False
    )
    await consumer.start()
    try:
        parts = [TopicPartition("petitions.events", p) for p in range(6)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        records: list[Any] = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=300)).values():
                records += [r for r in batch if json.loads(r.value)["subject"] == petition]
            if len(records) >= until:
                break
        return records
    finally:
        await consumer.stop()


async def test_an_adopted_suggestion_is_awarded_once_by_the_communitys_points_list(
    scene: Scene, platform: Platform, suggestions: str
):
    serial = fresh_id_serial()  # the platform is shared: no fixed phone or ID number
    person, me = await verified_resident(scene, fresh_phone(), "钱建议", id_number(serial))
    category = suggestions
    key = str(uuid.uuid4())
    petition = await raise_petition(scene, me, category, "东门增设充电桩", key)
    again = await raise_petition(scene, me, category, "东门增设充电桩", key)
    assert again["id"] == petition["id"]  # the same Idempotency-Key: the first answer
    pid = petition["id"]
    assert (await act(scene, pid, "accept", {})).status_code == 200
    adopted = await act(scene, pid, "adopt", {"note": "已纳入年度改造计划"})
    assert adopted.status_code == 200, adopted.text
    assert adopted.json()["adopted"] is True
    twice = await act(scene, pid, "adopt", {})
    assert twice.status_code == 409, twice.text

    deadline = time.monotonic() + AWARD_WITHIN
    while not (postings := await petition_postings(scene, me)):
        assert time.monotonic() < deadline, "no award for the adopted suggestion"
        await asyncio.sleep(0.3)
    await asyncio.sleep(3)  # a second award (a redelivered event) would show by now
    postings = await petition_postings(scene, me)
    assert len(postings) == 1, postings
    assert postings[0]["item_code"] == "ADOPTED" and postings[0]["score_delta"] == 5
    account = await scene.gw.get("/api/points/accounts/me", headers=me)
    assert account.json()["available"] == 5

    records = await petition_records(platform, pid, until=3)
    assert {r.key for r in records} == {pid.encode()}  # keyed by the petition: one partition
    kinds = [json.loads(r.value)["type"] for r in records]
    assert kinds == [
        "org.shanzhi.petitions.petition.submitted.v1",
        "org.shanzhi.petitions.petition.accepted.v1",
        ADOPTED,
    ]
    adoption = json.loads(records[-1].value)
    assert adoption["data"]["resident_id"] == person
    assert adoption["data"]["community_id"] == scene.community_id
    assert "充电桩，方便" not in b"".join(r.value for r in records).decode()  # no content


async def test_the_board_shows_an_accepted_public_petition_to_anyone_and_home_lists_it(
    scene: Scene, suggestions: str
):
    _, me = await verified_resident(scene, fresh_phone(), "孙反映", id_number(fresh_id_serial()))
    category = suggestions
    petition = await raise_petition(scene, me, category, "楼道堆放杂物", str(uuid.uuid4()))
    board = f"/api/petitions/public?community_id={scene.community_id}"
    before = await scene.gw.get(board)  # anonymous: no token at all
    assert before.status_code == 200, before.text
    assert petition["id"] not in before.text  # not on the board before acceptance
    home = (await scene.gw.get("/api/me/home", headers=me)).json()
    assert "open_petitions" not in home["degraded"]
    assert [p["id"] for p in home["open_petitions"]] == [petition["id"]]
    assert (await act(scene, petition["id"], "accept", {})).status_code == 200
    after = await scene.gw.get(board)
    shown = [p for p in after.json()["items"] if p["id"] == petition["id"]]
    assert shown and shown[0]["status"] == "accepted"
    assert "孙反映" not in after.text  # the author's name is masked on the board
    one = await scene.gw.get(f"/api/petitions/public/{petition['id']}")
    assert one.status_code == 200 and one.json()["author_id"] is None
