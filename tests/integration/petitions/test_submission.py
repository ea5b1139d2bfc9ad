"""Raising a petition: bad input is a 422 naming the field and writes nothing; a retried
request with the same Idempotency-Key gets the first answer."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.integration.petitions.conftest import PetitionsHarness, Unit, draft

# Petitions and staged events of the given communities (the stack is shared by the module).
PETITIONS_IN = "SELECT count(*) FROM petitions WHERE community_id = ANY($1::uuid[])"
OUTBOX_IN = "SELECT count(*) FROM outbox WHERE payload->'data'->>'community_id' = ANY($1::text[])"


async def _count(petitions: PetitionsHarness, *communities: Unit) -> Any:
    ids = [str(c.id) for c in communities]
    return await petitions.db_val(PETITIONS_IN, ids) + await petitions.db_val(OUTBOX_IN, ids)


async def test_bad_input_names_the_field_and_writes_nothing(petitions: PetitionsHarness) -> None:
    community = await petitions.community()
    staff = await petitions.staff(community)
    author = await petitions.resident(community)
    other = await petitions.community("dongcheng")
    cat = await petitions.category(
        community,
        staff,
        attributes=[
            {"code": "lamps", "datatype": "number", "required": True},
            {
                "code": "when",
                "datatype": "singlevaluelist",
                "values": [{"key": "night", "name": "夜间"}, {"key": "day", "name": "白天"}],
            },
        ],
    )
    other_cat = await petitions.category(other, await petitions.staff(other))
    before = await _count(petitions, community, other)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"content": "长" * 4001}, "content"),
        ({"title": ""}, "title"),
        ({"visibility": "secret"}, "visibility"),
        ({"location": {"lat": "91", "long": "100"}}, "location.lat"),
        ({"location": {}}, "location"),
        ({"category_id": other_cat["id"]}, "category_id"),
        ({"attributes": {"lamps": "three"}}, "attributes.lamps"),
        ({"attributes": {}}, "attributes.lamps"),
        ({"attributes": {"lamps": 3, "when": "dusk"}}, "attributes.when"),
        ({"attributes": {"lamps": 3, "colour": "red"}}, "attributes.colour"),
        ({"community_id": str(other.id), "category_id": other_cat["id"]}, "community_id"),
        ({"surprise": 1}, "surprise"),
    ]
    for overrides, field in cases:
        body = draft(community, cat, **{"attributes": {"lamps": 3}, **overrides})
        answer = await petitions.client.post("/api/petitions", json=body, headers=author.headers)
        assert answer.status_code in (403, 422), (overrides, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert answer.json()["field"] == field, (overrides, answer.json())
    assert await _count(petitions, community, other) == before
    ok = await petitions.submit(author, community, cat, attributes={"lamps": "3", "when": "night"})
    assert ok["status"] == "submitted"


async def test_unverified_residents_and_staff_elsewhere_cannot_raise(
    petitions: PetitionsHarness,
) -> None:
    community = await petitions.community()
    staff = await petitions.staff(community)
    cat = await petitions.category(community, staff)
    unverified = await petitions.resident(community, verified=False)
    answer = await petitions.client.post(
        "/api/petitions", json=draft(community, cat), headers=unverified.headers
    )
    assert answer.status_code == 403


async def test_the_same_idempotency_key_answers_the_first_answer(
    petitions: PetitionsHarness,
) -> None:
    community = await petitions.community()
    staff = await petitions.staff(community)
    author = await petitions.resident(community)
    cat = await petitions.category(community, staff)
    body = draft(community, cat)
    headers = {**author.headers, "Idempotency-Key": "retry-7f3a"}

    answers = await asyncio.gather(
        *(petitions.client.post("/api/petitions", json=body, headers=headers) for _ in range(4))
    )
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert await petitions.db_val(PETITIONS_IN, [str(community.id)]) == 1
    assert await petitions.db_val(OUTBOX_IN, [str(community.id)]) == 1

    changed = await petitions.client.post(
        "/api/petitions", json={**body, "title": "另一件事"}, headers=headers
    )
    assert changed.status_code == 422
    assert changed.json()["field"] == "Idempotency-Key"
    # Another resident's identical key is their own.
    neighbour = await petitions.resident(community)
    theirs = await petitions.client.post(
        "/api/petitions", json=body, headers={**neighbour.headers, "Idempotency-Key": "retry-7f3a"}
    )
    assert theirs.status_code == 201 and theirs.json()["id"] != answers[0].json()["id"]
