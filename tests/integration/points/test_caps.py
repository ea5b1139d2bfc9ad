"""Item caps on every award path: community activities attended and suggestions adopted
(through real Kafka and points' handler table), and claims vesting, stop at the list's caps
and record what is over them as `capped`."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts.identity import ResidentRegistered
from contracts.notices import ActivityAttended
from contracts.petitions import PetitionAdopted
from kit.consumer import ConsumerRunner
from kit.db import unit_of_work
from kit.events import CloudEvent, new_event, serialize
from kit.phone import keyed_hash
from services.points.claims.models import Claim
from services.points.claims.vesting import vest_due_claims
from services.points.consumers import HANDLERS
from services.points.listing import service as listing
from tests.integration import support
from tests.integration.support import Db

COMMUNITY = uuid.uuid4()
PATH = f"/{uuid.uuid4()}/{uuid.uuid4()}/{COMMUNITY}"
# Noon in Shanghai: every fact of a test falls in the same local day, month and year.
AT = datetime(2026, 6, 15, 4, tzinfo=UTC)
ITEMS = [
    {
        "code": "ACT",
        "name": "参加社区活动",
        "category": "参与",
        "points": 2,
        "caps": {"day": 5},
        "triggers": [{"source": "activity"}],
    },
    {
        "code": "ADOPT",
        "name": "建议被采纳",
        "category": "参与",
        "points": 5,
        "caps": {"month": 8},
        "triggers": [{"source": "petition_adopted"}],
    },
    {
        "code": "HELP",
        "name": "邻里互助",
        "category": "互助",
        "points": 6,
        "requires_claim": True,
        "caps": {"year": 10},
    },
]


@dataclass
class Caps:
    db: Db
    kafka: str
    topic: str

    async def send(self, *events: CloudEvent) -> None:
        await support.produce(self.kafka, self.topic, [serialize(e) for e in events])

    async def postings(self, resident: uuid.UUID, code: str) -> tuple[int, int, int]:
        """(count, points credited, points capped) of the resident's postings of an item."""
        row = await self.db.fetchval(
            "SELECT ARRAY[count(*), coalesce(sum(score_delta), 0), coalesce(sum(capped), 0)]"
            " FROM postings WHERE resident_id = $1 AND item_code = $2",
            resident,
            code,
        )
        assert isinstance(row, list)
        return int(row[0]), int(row[1]), int(row[2])

    async def settled(self, resident: uuid.UUID, code: str, count: int) -> bool:
        async def check() -> bool:
            return (await self.postings(resident, code))[0] == count

        return await support.eventually(check, timeout=30)

    async def balance(self, resident: uuid.UUID) -> int:
        value = await self.db.fetchval(
            "SELECT balance FROM accounts WHERE resident_id = $1", resident
        )
        return int(str(value))


@pytest.fixture(scope="module")
async def caps_module() -> AsyncIterator[Caps]:
    """One points database, topic and consumer runner per module: every test's caps are its
    own resident's, so they share the stack, not the data."""
    kafka = support.bootstrap()
    topic = support.unique("test.events")
    await support.create_topics(kafka, [topic, f"{topic}.dlq"])
    async with running_caps(kafka, topic) as caps:
        yield caps


@pytest.fixture
async def caps(caps_module: Caps) -> Caps:
    return caps_module


@pytest.fixture
async def caps_alone(kafka: str, topic: str) -> AsyncIterator[Caps]:
    """A stack of the test's own, for a test that counts what the vesting job does over the
    whole database."""
    async with running_caps(kafka, topic) as caps:
        yield caps


@asynccontextmanager
async def running_caps(kafka: str, topic: str) -> AsyncIterator[Caps]:
    async with support.scratch_database("points") as base:
        async with unit_of_work(base.factory) as session:
            body = listing.PointsList.model_validate(
                {"items": ITEMS, "effective_from": "2026-01-01"}
            )
            version = await listing.draft(session, community_id=COMMUNITY, body=body, actor="t")
            await listing.publish(session, version_id=version.id, now=AT)
            await session.commit()
        runner = ConsumerRunner(
            consumer_name=support.unique("points"),
            topics=[topic],
            handlers=HANDLERS,
            session_factory=base.factory,
            bootstrap_servers=kafka,
        )
        async with support.running(runner):
            yield Caps(base, kafka, topic)


def registered(resident: uuid.UUID) -> CloudEvent:
    data = ResidentRegistered(
        resident_id=str(resident),
        community_id=str(COMMUNITY),
        community_path=PATH,
        name="李小四",
        phone_hash=keyed_hash("test-key", uuid.uuid4().hex),
        registered_at=AT,
    )
    return new_event(data, source="/services/identity", subject=str(resident))


def attended(resident: uuid.UUID, minutes: int) -> CloudEvent:
    data = ActivityAttended(
        activity_id=uuid.uuid4().hex,
        activity_type="重阳节活动",
        resident_id=str(resident),
        community_id=str(COMMUNITY),
        attended_at=AT + timedelta(minutes=minutes),
    )
    return new_event(data, source="/services/notices", subject=str(resident))


def adopted(resident: uuid.UUID, days: int) -> CloudEvent:
    data = PetitionAdopted(
        petition_id=uuid.uuid4().hex,
        resident_id=str(resident),
        community_id=str(COMMUNITY),
        adopted_at=AT + timedelta(days=days),
    )
    return new_event(data, source="/services/petitions", subject=str(resident))


async def test_attended_activities_stop_at_the_items_daily_cap(caps: Caps):
    resident = uuid.uuid4()
    await caps.send(registered(resident), *(attended(resident, m) for m in range(4)))
    assert await caps.settled(resident, "ACT", 4)
    # 2 + 2 + 1 reach the cap of 5 a day; the fourth posts nothing, the rest is recorded.
    assert await caps.postings(resident, "ACT") == (4, 5, 3)
    assert await caps.balance(resident) == 5


async def test_attendance_on_the_next_day_earns_again(caps: Caps):
    resident = uuid.uuid4()
    await caps.send(
        registered(resident),
        *(attended(resident, m) for m in range(3)),
        attended(resident, 24 * 60),
    )
    assert await caps.settled(resident, "ACT", 4)
    assert await caps.postings(resident, "ACT") == (4, 5 + 2, 1)


async def test_adopted_suggestions_stop_at_the_items_monthly_cap(caps: Caps):
    resident = uuid.uuid4()
    await caps.send(registered(resident), *(adopted(resident, d) for d in range(3)))
    assert await caps.settled(resident, "ADOPT", 3)
    # 5 + 3 reach the cap of 8 a month; the third adoption is recorded, not credited.
    assert await caps.postings(resident, "ADOPT") == (3, 8, 7)
    await asyncio.sleep(0.5)
    assert await caps.balance(resident) == 8


async def test_vested_claims_stop_at_the_items_yearly_cap(caps_alone: Caps):
    caps = caps_alone  # counts the vesting job's whole work
    resident = uuid.uuid4()
    await caps.send(registered(resident))

    async def opened() -> bool:
        found = await caps.db.fetchval("SELECT 1 FROM accounts WHERE resident_id = $1", resident)
        return found is not None

    assert await support.eventually(opened, timeout=30)
    async with unit_of_work(caps.db.factory) as session:
        for n in range(2):
            session.add(
                Claim(
                    id=uuid.uuid4(),
                    resident_id=resident,
                    community_id=COMMUNITY,
                    item_code="HELP",
                    occurred_on=date(2026, 6, 10 + n),
                    description="帮邻居搬家",
                    status="publicity",
                    publicity_ends_at=AT - timedelta(hours=1),
                )
            )
        await session.commit()
    assert await vest_due_claims(session_factory=caps.db.factory, now=AT) == 2
    # 6 + 4 reach the cap of 10 a year.
    assert await caps.postings(resident, "HELP") == (2, 10, 2)
    vested = await caps.db.fetchval(
        "SELECT array_agg((payload->'data'->>'points')::int ORDER BY 1) FROM outbox"
        " WHERE type = $1 AND aggregateid = $2",
        "org.shanzhi.points.claim_vested.v1",
        str(resident),
    )
    assert isinstance(vested, list) and sorted(vested) == [4, 6]
