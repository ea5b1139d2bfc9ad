"""The deadlines job on the real PostgreSQL and Kafka, its clock moved: escalation one unit up,
once per missed deadline; unrated resolutions closing after 7 days; old Idempotency-Keys."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from aiokafka import ConsumerRecord

from kit.db import asyncpg_dsn, unit_of_work
from kit.errors import NotFound
from services.petitions.cases import access
from services.petitions.deadlines import service as deadlines
from tests.integration import support
from tests.integration.petitions.stats_harness import Harness, identity, petitions

__all__ = ["identity", "petitions"]

ESCALATED = "org.shanzhi.petitions.petition.escalated.v1"
CLOSED = "org.shanzhi.petitions.petition.closed.v1"


def _escalations(records: list[ConsumerRecord], petition_id: uuid.UUID) -> list[dict[str, Any]]:
    events = [json.loads(r.value) for r in records]
    return [e for e in events if e["type"] == ESCALATED and e["subject"] == str(petition_id)]


async def _can_see(h: Harness, headers: dict[str, str], petition_id: uuid.UUID) -> bool:
    principal = await h.principal(headers)
    async with unit_of_work(h.session_factory) as session:
        try:
            await access.load(session, principal, petition_id)
        except NotFound:
            return False
    return True


async def test_unaccepted_petition_escalates_to_its_town_once_when_its_deadline_passes(
    petitions: Harness, kafka: str
) -> None:
    h = petitions
    community = await h.community("xicheng")
    category = await h.category(community, accept_hours=24)
    pid = await h.petition(community, category, at=h.clock())
    h.clock.advance(hours=23, minutes=59)
    await h.run_job()
    assert (await h.get(pid)).escalated_to_unit_id is None

    h.clock.advance(minutes=1)
    await h.run_job()
    h.clock.advance(hours=5)
    await h.run_job()  # still overdue: the same miss never escalates twice

    petition = await h.get(pid)
    town = h.towns["xicheng"]
    assert petition.escalated_to_unit_id == town.id
    assert petition.overdue_since == petition.accept_due_at
    assert petition.escalated_at == petition.accept_due_at  # the run that found it
    entries = await h.timeline(pid, "escalation")
    assert [(e.public, e.actor_role) for e in entries] == [(True, "system")]
    staged = await h.outbox(pid, ESCALATED)
    assert [e["data"]["missed"] for e in staged] == ["accept"]
    assert staged[0]["data"]["escalated_to_unit_id"] == str(town.id)
    records = await support.read_topic(
        kafka, "petitions.events", until=lambda r: bool(_escalations(r, pid))
    )
    assert len(_escalations(records, pid)) == 1

    town_staff = await h.staff(town, "district_admin")  # a town's managers
    elsewhere = await h.staff(await h.community("fuxing"), "community_staff")
    assert await _can_see(h, town_staff, pid)
    assert not await _can_see(h, elsewhere, pid)
    mine = await h.client.get(f"/api/petitions/overdue?unit_id={town.id}", headers=town_staff)
    assert mine.status_code == 200, mine.text
    assert mine.json()["totals"] == {"not_accepted": 1, "not_resolved": 0, "overdue_now": 1}
    theirs = await h.client.get(f"/api/petitions/overdue?unit_id={town.id}", headers=elsewhere)
    assert theirs.status_code == 404


async def test_resolve_miss_after_a_late_acceptance_escalates_again_once(
    petitions: Harness,
) -> None:
    h = petitions
    community = await h.community()
    category = await h.category(community, accept_hours=24, days=3)
    pid = await h.petition(community, category, at=h.clock())
    h.clock.advance(hours=25)
    await h.run_job()
    # Staff accept late (as the accept action does: resolution due 3 days on).
    accepted = h.clock()
    await h.update(
        pid, status="accepted", accepted_at=accepted, resolve_due_at=accepted + timedelta(days=3)
    )
    await h.run_job()
    assert len(await h.timeline(pid, "escalation")) == 1

    await h.update(pid, status="in_progress")
    h.clock.advance(days=3)
    await h.run_job()
    await h.run_job()

    petition = await h.get(pid)
    assert petition.overdue_since == accepted + timedelta(days=3)
    staged = await h.outbox(pid, ESCALATED)
    assert [e["data"]["missed"] for e in staged] == ["accept", "resolve"]
    assert len(await h.timeline(pid, "escalation")) == 2

    await h.update(pid, status="resolved", resolved_at=h.clock())
    h.clock.advance(days=1)
    await h.run_job()
    assert len(await h.outbox(pid, ESCALATED)) == 2  # resolved: overdue no longer


async def test_resolved_petition_without_rating_closes_after_seven_days(
    petitions: Harness,
) -> None:
    h = petitions
    community = await h.community()
    category = await h.category(community)
    start = h.clock()
    common = {"accepted_at": start, "resolve_due_at": start + timedelta(days=3)}
    unrated = await h.petition(
        community, category, at=start, status="resolved", resolved_at=start, **common
    )
    # Rated unhappily and reopened: being handled again, it never closes by timeout.
    reopened = await h.petition(
        community, category, at=start, status="reopened", reopen_count=1, rating=2, **common
    )
    h.clock.advance(days=7)
    await h.run_job()
    assert (await h.get(unrated)).status == "resolved"  # the last moment a rating is taken

    h.clock.advance(seconds=1)
    await h.run_job()
    await h.run_job()
    closed = await h.get(unrated)
    assert (closed.status, closed.closed_at) == ("closed", h.clock())
    entries = await h.timeline(unrated, "status")
    assert [(e.from_status, e.to_status, e.actor_role, e.public) for e in entries] == [
        ("resolved", "closed", "system", True)
    ]
    staged = await h.outbox(unrated, CLOSED)
    assert [e["data"]["closed_by"] for e in staged] == ["timeout"]
    assert (await h.get(reopened)).status == "reopened"


async def test_idempotency_keys_older_than_a_day_are_forgotten(petitions: Harness) -> None:
    h = petitions
    conn = await asyncpg.connect(asyncpg_dsn(h.database_url))
    try:
        insert = (
            "INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) "
            "VALUES ('t', $1, 'f', $2)"
        )
        await conn.execute(insert, "old", h.clock() - timedelta(days=1, seconds=1))
        await conn.execute(insert, "new", h.clock() - timedelta(hours=23))
        dropped = await deadlines.forget_idempotency_keys(
            session_factory=h.session_factory, now=h.clock()
        )
        left = await conn.fetch("SELECT key FROM idempotency_keys WHERE scope = 't'")
    finally:
        await conn.close()
    assert dropped == 1
    assert [r["key"] for r in left] == ["new"]


@pytest.mark.parametrize("role", ["community_staff", "community_admin"])
async def test_community_staff_see_their_own_overdue_counts(petitions: Harness, role: str) -> None:
    h = petitions
    community = await h.community()
    category = await h.category(community, accept_hours=1)
    await h.petition(community, category, at=h.clock() - timedelta(hours=2))
    staff = await h.staff(community, role)
    answer = await h.client.get(f"/api/petitions/overdue?unit_id={community.id}", headers=staff)
    assert answer.status_code == 200, answer.text
    assert answer.json()["communities"] == [
        {"community_id": str(community.id), "not_accepted": 1, "not_resolved": 0, "overdue_now": 1}
    ]
