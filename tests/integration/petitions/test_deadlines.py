"""The deadlines job on the real PostgreSQL and Kafka, petitions raised and handled through
the API and the clock moved: escalation one unit up once per missed deadline, the town's
staff taking it over, unrated resolutions closing after 7 days, old Idempotency-Keys going."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from aiokafka import ConsumerRecord

from services.petitions.deadlines import service as deadlines
from tests.integration import support
from tests.integration.petitions.conftest import Person, PetitionsHarness, Unit
from tests.integration.petitions.stats_harness import outbox, petition, run_job, timeline

ESCALATED = "org.shanzhi.petitions.petition.escalated.v1"


def _escalations(records: list[ConsumerRecord], petition_id: str) -> list[dict[str, Any]]:
    events = [json.loads(r.value) for r in records]
    return [e for e in events if e["type"] == ESCALATED and e["subject"] == petition_id]


async def _raised(h: PetitionsHarness, **category: Any) -> tuple[Unit, Person, Person, str]:
    """A community with a staff member, and a petition its resident just raised."""
    community = await h.community("xicheng")
    staff = await h.staff(community)
    author = await h.resident(community)
    cat = await h.category(community, staff, **category)
    return community, staff, author, (await h.submit(author, community, cat))["id"]


async def _act(h: PetitionsHarness, who: Person, pid: str, action: str, **body: Any) -> None:
    answer = await h.act(who, pid, action, body)
    assert answer.status_code == 200, answer.text


async def _overdue(h: PetitionsHarness, who: Person, unit: Unit) -> Any:
    answer = await h.client.get(f"/api/petitions/overdue?unit_id={unit.id}", headers=who.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_unaccepted_petition_escalates_to_its_town_once_and_the_town_takes_it_over(
    petitions: PetitionsHarness, kafka: str
) -> None:
    h = petitions
    _community, staff, _author, pid = await _raised(h, accept_within_hours=24)
    h.clock.advance(hours=23, minutes=59)
    await run_job(h)
    assert (await petition(h, pid)).escalated_to_unit_id is None

    h.clock.advance(minutes=1)
    await run_job(h)
    h.clock.advance(hours=5)
    await run_job(h)  # still overdue: the same miss never escalates twice

    town = await h.town("xicheng")
    found = await petition(h, pid)
    assert (found.escalated_to_unit_id, found.overdue_since) == (town.id, found.accept_due_at)
    assert found.escalated_at == found.accept_due_at  # the run that found it
    entries = await timeline(h, pid, "escalation")
    assert [(e.public, e.actor_role) for e in entries] == [(True, "system")]
    staged = await outbox(h, pid, "escalated")
    assert [(e["missed"], e["escalated_to_unit_id"]) for e in staged] == [("accept", str(town.id))]
    records = await support.read_topic(
        kafka, "petitions.events", until=lambda r: bool(_escalations(r, pid))
    )
    assert len(_escalations(records, pid)) == 1

    town_staff = await h.staff(town, "district_admin")  # a town's managers
    elsewhere = await h.staff(await h.community("fuxing"))
    seen = await h.client.get(f"/api/petitions/{pid}", headers=town_staff.headers)
    assert seen.status_code == 200, seen.text
    hidden = await h.client.get(f"/api/petitions/{pid}", headers=elsewhere.headers)
    assert hidden.status_code == 404
    assert (await _overdue(h, town_staff, town))["totals"]["not_accepted"] == 1
    theirs = await h.client.get(
        f"/api/petitions/overdue?unit_id={town.id}", headers=elsewhere.headers
    )
    assert theirs.status_code == 404

    # The town accepts it and hands it to the community's staff (the normal actions).
    await _act(h, town_staff, pid, "accept", assignee_id=str(staff.id))
    assert (await _overdue(h, town_staff, town))["totals"]["overdue_now"] == 0
    await run_job(h)
    assert len(await outbox(h, pid, "escalated")) == 1


async def test_resolve_miss_escalates_again_once_until_resolved(
    petitions: PetitionsHarness,
) -> None:
    h = petitions
    community, staff, _author, pid = await _raised(h, accept_within_hours=24, resolve_within_days=3)
    h.clock.advance(hours=25)
    await run_job(h)  # the accept miss
    await _act(h, staff, pid, "accept", assignee_id=str(staff.id))
    await _act(h, staff, pid, "start")
    due = (await petition(h, pid)).resolve_due_at
    assert due == h.clock() + timedelta(days=3)

    h.clock.advance(days=3)
    await run_job(h)
    await run_job(h)
    assert (await _overdue(h, staff, community))["totals"] == {
        "not_accepted": 0,
        "not_resolved": 1,
        "overdue_now": 1,
    }
    assert [e["missed"] for e in await outbox(h, pid, "escalated")] == ["accept", "resolve"]
    assert (await petition(h, pid)).overdue_since == due
    assert len(await timeline(h, pid, "escalation")) == 2

    await _act(h, staff, pid, "resolve", reply="已修好")
    h.clock.advance(days=1)
    await run_job(h)
    assert len(await outbox(h, pid, "escalated")) == 2  # resolved: overdue no longer


async def test_resolved_petition_without_rating_closes_after_seven_days(
    petitions: PetitionsHarness,
) -> None:
    h = petitions
    _community, staff, _author, pid = await _raised(h)
    await _act(h, staff, pid, "accept", assignee_id=str(staff.id))
    await _act(h, staff, pid, "start")
    await _act(h, staff, pid, "resolve", reply="已修好")
    resolved_at = h.clock()
    h.clock.advance(days=7)
    await run_job(h)
    assert (await petition(h, pid)).status == "resolved"  # the last moment a rating is taken

    h.clock.advance(seconds=1)
    await run_job(h)
    await run_job(h)
    closed = await petition(h, pid)
    assert (closed.status, closed.closed_at) == (
        "closed",
        resolved_at + timedelta(days=7, seconds=1),
    )
    entries = await timeline(h, pid, "status")
    assert [(e.from_status, e.to_status, e.actor_role, e.public) for e in entries][-1] == (
        "resolved",
        "closed",
        "system",
        True,
    )
    assert [e["closed_by"] for e in await outbox(h, pid, "closed")] == ["timeout"]


async def test_a_resolution_after_an_unhappy_rating_also_closes_unrated(
    petitions: PetitionsHarness,
) -> None:
    """The rating that reopened it stays on the row; the new resolution still times out."""
    h = petitions
    _community, staff, author, pid = await _raised(h)
    await _act(h, staff, pid, "accept", assignee_id=str(staff.id))
    await _act(h, staff, pid, "start")
    await _act(h, staff, pid, "resolve", reply="已修好")
    reopen = await h.act(author, pid, "rate", {"rating": 1})
    assert reopen.status_code == 200 and reopen.json()["status"] == "reopened", reopen.text
    await _act(h, staff, pid, "start")
    await _act(h, staff, pid, "resolve", reply="再次维修")
    h.clock.advance(days=7, seconds=1)
    await run_job(h)
    assert (await petition(h, pid)).status == "closed"


async def test_idempotency_keys_older_than_a_day_are_forgotten(
    petitions: PetitionsHarness,
) -> None:
    h = petitions
    insert = (
        "INSERT INTO idempotency_keys (scope, key, fingerprint, created_at) "
        "VALUES ('t', $1, 'f', $2) RETURNING key"
    )
    await h.db_val(insert, "old", h.clock() - timedelta(days=1, seconds=1))
    await h.db_val(insert, "new", h.clock() - timedelta(hours=23))
    # The scheduler's own first run may take "old" first: the rows left are what counts.
    await deadlines.forget_idempotency_keys(session_factory=h.session_factory, now=h.clock())
    left = await h.db_val("SELECT json_agg(key) FROM idempotency_keys WHERE scope = 't'")
    assert json.loads(left) == ["new"]
