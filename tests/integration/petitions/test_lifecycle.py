"""A petition's whole life through the API: 说 → 议 → 办 → 评, reopen limits, events."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.integration.petitions.conftest import Person, PetitionsHarness, Unit


async def _scene(
    petitions: PetitionsHarness, **category: Any
) -> tuple[Unit, Person, Person, dict[str, Any]]:
    community = await petitions.community()
    staff = await petitions.staff(community)
    author = await petitions.resident(community, "李四光")
    cat = await petitions.category(community, staff, **category)
    return community, staff, author, cat


async def _events(petitions: PetitionsHarness, petition_id: str) -> list[str]:
    rows = await petitions.db_val(
        "SELECT coalesce(json_agg(type ORDER BY seq), '[]') FROM outbox WHERE aggregateid = $1",
        petition_id,
    )
    return [t.removeprefix("org.shanzhi.petitions.petition.") for t in json.loads(rows)]


async def _resolved(petitions: PetitionsHarness, **category: Any) -> tuple[Person, Person, str]:
    community, staff, author, cat = await _scene(petitions, **category)
    pid = (await petitions.submit(author, community, cat))["id"]
    for action, body in [
        ("accept", {"assignee_id": str(staff.id)}),
        ("start", {}),
        ("resolve", {"reply": "已更换路灯"}),
    ]:
        answer = await petitions.act(staff, pid, action, body)
        assert answer.status_code == 200, answer.text
    return staff, author, pid


async def test_whole_life_from_raising_to_a_happy_rating(petitions: PetitionsHarness) -> None:
    community, staff, author, cat = await _scene(petitions)
    raised = await petitions.submit(author, community, cat)
    assert raised["status"] == "submitted"
    assert raised["author_name"] == "李*光"
    assert raised["allowed_actions"] == ["cancel"]
    pid = raised["id"]

    accepting = await petitions.act(staff, pid, "accept", {"assignee_id": str(staff.id)})
    assert accepting.status_code == 200, accepting.text
    accepted = accepting.json()
    assert accepted["status"] == "assigned"
    assert accepted["assignee_id"] == str(staff.id)
    assert accepted["resolve_due_at"] is not None
    assert (await petitions.act(staff, pid, "start")).json()["status"] == "in_progress"
    progressed = await petitions.act(staff, pid, "progress", {"text": "已联系电工", "progress": 40})
    assert progressed.json()["progress"] == 40
    note = await petitions.act(staff, pid, "note", {"text": "电工下周二上门"})
    assert note.status_code == 200
    resolved = await petitions.act(staff, pid, "resolve", {"reply": "三盏路灯已更换"})
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["progress"] == 100

    mine = (await petitions.client.get(f"/api/petitions/{pid}", headers=author.headers)).json()
    assert mine["allowed_actions"] == ["close", "rate", "reopen"]
    kinds = [e["kind"] for e in mine["timeline"]]
    assert "note" not in kinds, "the author never sees staff notes"
    assert "reply" in kinds and "progress" in kinds

    rated = await petitions.act(author, pid, "rate", {"rating": 5, "comment": "很及时"})
    assert rated.status_code == 200, rated.text
    assert rated.json()["status"] == "closed"
    assert rated.json()["rating"] == 5

    assert await _events(petitions, pid) == [
        "submitted.v1",
        "accepted.v1",
        "assigned.v1",
        "resolved.v1",
        "rated.v1",
        "closed.v1",
    ]


async def test_an_unhappy_rating_reopens_at_most_twice(petitions: PetitionsHarness) -> None:
    staff, author, pid = await _resolved(petitions)
    first = (await petitions.act(author, pid, "rate", {"rating": 2})).json()
    assert (first["status"], first["reopen_count"]) == ("reopened", 1)
    for action, body in [("start", {}), ("resolve", {"reply": "再次维修"})]:
        assert (await petitions.act(staff, pid, action, body)).status_code == 200
    second = (await petitions.act(author, pid, "reopen", {"rating": 1})).json()
    assert (second["status"], second["reopen_count"]) == ("reopened", 2)
    for action, body in [("start", {}), ("resolve", {"reply": "第三次维修"})]:
        assert (await petitions.act(staff, pid, action, body)).status_code == 200

    refused = await petitions.act(author, pid, "reopen", {"rating": 1})
    assert refused.status_code == 409
    assert "reopen" not in refused.json()["allowed_actions"]
    # A third unhappy rating stands, and closes: no reopens are left.
    last = (await petitions.act(author, pid, "rate", {"rating": 1})).json()
    assert (last["status"], last["reopen_count"], last["rating"]) == ("closed", 2, 1)


async def test_rating_window_closes_after_seven_days(petitions: PetitionsHarness) -> None:
    _staff, author, pid = await _resolved(petitions)
    petitions.clock.advance(days=7, minutes=1)
    late = await petitions.act(author, pid, "rate", {"rating": 2})
    assert late.status_code == 409
    assert late.json()["current"] == "resolved"


async def test_the_author_cancels_before_acceptance_only(petitions: PetitionsHarness) -> None:
    community, staff, author, cat = await _scene(petitions)
    pid = (await petitions.submit(author, community, cat))["id"]
    cancelled = await petitions.act(author, pid, "cancel", {"reason": "已自行解决"})
    assert cancelled.json()["status"] == "cancelled"
    other = (await petitions.submit(author, community, cat))["id"]
    await petitions.act(staff, other, "accept", {})
    late = await petitions.act(author, other, "cancel", {"reason": "算了"})
    assert late.status_code == 409
    assert late.json()["allowed_actions"] == []


async def test_rejection_needs_a_reason_and_is_final(petitions: PetitionsHarness) -> None:
    community, staff, author, cat = await _scene(petitions)
    pid = (await petitions.submit(author, community, cat))["id"]
    missing = await petitions.act(staff, pid, "reject", {})
    assert missing.status_code == 422
    assert "reason" in str(missing.json())
    rejected = await petitions.act(staff, pid, "reject", {"reason": "不属于本社区事务"})
    assert rejected.json()["status"] == "rejected"
    assert (await petitions.act(staff, pid, "accept")).status_code == 409
    assert await _events(petitions, pid) == ["submitted.v1", "rejected.v1"]


async def test_a_category_default_assignee_takes_an_accepted_petition(
    petitions: PetitionsHarness,
) -> None:
    community = await petitions.community()
    staff = await petitions.staff(community)
    grid = await petitions.grid(community)
    worker = await petitions.staff(grid, "grid_worker", "赵网格")
    cat = await petitions.category(community, staff, default_assignee_id=str(worker.id))
    author = await petitions.resident(community)
    pid = (await petitions.submit(author, community, cat))["id"]
    accepted = (await petitions.act(staff, pid, "accept")).json()
    assert (accepted["status"], accepted["assignee_id"]) == ("assigned", str(worker.id))
    # The grid worker sees it, acts on it, and may not accept or assign anything.
    assert (await petitions.act(worker, pid, "start")).json()["status"] == "in_progress"
    refused = await petitions.act(worker, pid, "assign", {"assignee_id": str(worker.id)})
    assert refused.status_code == 403


async def test_assigning_someone_outside_the_community_is_refused(
    petitions: PetitionsHarness,
) -> None:
    community, staff, author, cat = await _scene(petitions)
    elsewhere = await petitions.staff(await petitions.community("dongcheng"))
    pid = (await petitions.submit(author, community, cat))["id"]
    refused = await petitions.act(staff, pid, "accept", {"assignee_id": str(elsewhere.id)})
    assert refused.status_code == 422
    assert refused.json()["field"] == "assignee_id"
    after = (await petitions.client.get(f"/api/petitions/{pid}", headers=staff.headers)).json()
    assert after["status"] == "submitted", "a refused action leaves nothing behind"


async def test_only_suggestions_are_adopted_and_once(petitions: PetitionsHarness) -> None:
    community, staff, author, cat = await _scene(petitions, kind="suggestion")
    pid = (await petitions.submit(author, community, cat))["id"]
    early = await petitions.act(staff, pid, "adopt")
    assert early.status_code == 409
    await petitions.act(staff, pid, "accept")
    adopted = await petitions.act(staff, pid, "adopt", {"note": "建议很好"})
    assert adopted.json()["adopted"] is True
    assert (await petitions.act(staff, pid, "adopt")).status_code == 409
    assert "adopted.v1" in await _events(petitions, pid)

    demand = await petitions.category(community, staff)
    other = (await petitions.submit(author, community, demand))["id"]
    await petitions.act(staff, other, "accept")
    assert (await petitions.act(staff, other, "adopt")).status_code == 409


async def test_unknown_petition_and_unknown_action(petitions: PetitionsHarness) -> None:
    _community, staff, _author, _cat = await _scene(petitions)
    missing = await petitions.act(staff, str(uuid.uuid4()), "accept")
    assert missing.status_code == 404
    bogus = await petitions.client.post(
        f"/api/petitions/{uuid.uuid4()}/actions/explode", json={}, headers=staff.headers
    )
    assert bogus.status_code in (404, 405)
