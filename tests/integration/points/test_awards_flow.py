"""Events in (identity registrations, volunteer pushes) → postings and events out, through the
real Kafka, the kit's consumer runner and points' own handler table."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from prometheus_client import REGISTRY

from contracts.identity import ResidentRegistered, ResidentVerificationRevoked, ResidentVerified
from contracts.volunteer import Activity, ActivityCompleted, VolunteerRef
from kit.consumer import ConsumerRunner
from kit.db import unit_of_work
from kit.events import CloudEvent, new_event, serialize
from kit.phone import keyed_hash
from services.points.consumers import HANDLERS
from services.points.listing import service as rules
from tests.integration import support
from tests.integration.support import Db

COMMUNITY = uuid.uuid4()
PATH = f"/{uuid.uuid4()}/{uuid.uuid4()}/{COMMUNITY}"
ITEMS = [
    {
        "code": "WELCOME",
        "name": "注册奖励",
        "category": "参与",
        "points": 10,
        "triggers": [{"source": "registration"}],
    },
    {
        "code": "ENV",
        "name": "环境整治",
        "category": "志愿",
        "points": 5,
        "caps": {"day": 10},
        "triggers": [{"source": "volunteer", "activity_type": "环境整治"}],
    },
    {
        "code": "ELDER",
        "name": "助老服务",
        "category": "志愿",
        "points": 2,
        "unit": "per_hour",
        "triggers": [{"source": "volunteer", "activity_type": "助老服务"}],
    },
]


@dataclass
class Flow:
    db: Db
    kafka: str
    topic: str

    async def send(self, *events: CloudEvent) -> None:
        await support.produce(self.kafka, self.topic, [serialize(e) for e in events])

    async def balance(self, resident: uuid.UUID) -> int | None:
        value = await self.db.fetchval(
            "SELECT balance FROM accounts WHERE resident_id = $1", resident
        )
        return None if value is None else int(str(value))

    async def settled(self, resident: uuid.UUID, expected: int) -> bool:
        async def check() -> bool:
            return await self.balance(resident) == expected

        return await support.eventually(check, timeout=30)


@pytest.fixture(scope="module")
async def flow_module() -> AsyncIterator[Flow]:
    """One points database, topic and consumer runner per module: every test sends events of
    residents of its own, so they share the stack, not the data."""
    kafka = support.bootstrap()
    topic = support.unique("test.events")
    await support.create_topics(kafka, [topic, f"{topic}.dlq"])
    async with running_flow(kafka, topic) as flow:
        yield flow


@pytest.fixture
async def flow(flow_module: Flow) -> Flow:
    return flow_module


@pytest.fixture
async def flow_alone(kafka: str, topic: str) -> AsyncIterator[Flow]:
    """A stack of the test's own, for a test that publishes a new points list for COMMUNITY
    (every later test's awards would follow it)."""
    async with running_flow(kafka, topic) as flow:
        yield flow


@asynccontextmanager
async def running_flow(kafka: str, topic: str) -> AsyncIterator[Flow]:
    async with support.scratch_database("points") as base:
        async with unit_of_work(base.factory) as session:
            body = rules.PointsList.model_validate({"items": ITEMS, "effective_from": "2026-01-01"})
            version = await rules.draft(session, community_id=COMMUNITY, body=body, actor="t")
            await rules.publish(session, version_id=version.id, now=datetime.now(UTC))
            await session.commit()
        runner = ConsumerRunner(
            consumer_name=support.unique("points"),
            topics=[topic],
            handlers=HANDLERS,
            session_factory=base.factory,
            bootstrap_servers=kafka,
        )
        async with support.running(runner):
            yield Flow(base, kafka, topic)


def registered(resident: uuid.UUID, phone_hash: str) -> CloudEvent:
    data = ResidentRegistered(
        resident_id=str(resident),
        community_id=str(COMMUNITY),
        community_path=PATH,
        name="张小三",
        phone_hash=phone_hash,
        registered_at=datetime.now(UTC),
    )
    return new_event(data, source="/services/identity", subject=str(resident))


def pushed(
    *,
    phone_hash: str | None = None,
    resident: uuid.UUID | None = None,
    kind: str = "环境整治",
    hours: float = 2,
    at: datetime | None = None,
) -> CloudEvent:
    data = ActivityCompleted(
        volunteer=VolunteerRef(
            phone_hash=phone_hash, resident_id=str(resident) if resident else None
        ),
        activity=Activity(id=uuid.uuid4().hex, type=kind, title="小北街河道清理"),
        community_id=str(COMMUNITY),
        hours=hours,
        completed_at=at or datetime.now(UTC),
    )
    return new_event(data, source="/partners/volunteer", subject=phone_hash or str(resident))


def phone_hash() -> str:
    return keyed_hash("test-key", uuid.uuid4().hex)


async def test_registration_opens_the_account_with_the_welcome_award(flow: Flow):
    resident = uuid.uuid4()
    await flow.send(registered(resident, phone_hash()))
    assert await flow.settled(resident, 10)
    outbox = await flow.db.fetchval(
        "SELECT count(*) FROM outbox WHERE type = $1 AND aggregateid = $2",
        "org.shanzhi.points.awarded.v1",
        str(resident),
    )
    assert outbox == 1


async def test_the_same_push_three_times_awards_once(flow: Flow):
    resident, ph = uuid.uuid4(), phone_hash()
    push = pushed(phone_hash=ph)
    await flow.send(registered(resident, ph), push, push, push)
    assert await flow.settled(resident, 15)
    await asyncio.sleep(1)
    assert await flow.balance(resident) == 15
    count = await flow.db.fetchval(
        "SELECT count(*) FROM postings WHERE resident_id = $1 AND source_type = 'volunteer'",
        resident,
    )
    assert count == 1


async def test_daily_cap_awards_up_to_the_cap_and_records_the_rest(flow: Flow):
    resident, ph = uuid.uuid4(), phone_hash()
    await flow.send(registered(resident, ph), *(pushed(phone_hash=ph) for _ in range(3)))
    assert await flow.settled(resident, 10 + 10)
    await asyncio.sleep(1)
    capped = await flow.db.fetchval(
        "SELECT sum(capped) FROM postings WHERE resident_id = $1 AND item_code = 'ENV'", resident
    )
    assert capped == 5 and await flow.balance(resident) == 20


async def test_per_hour_items_round_half_up(flow: Flow):
    resident, ph = uuid.uuid4(), phone_hash()
    await flow.send(
        registered(resident, ph),
        pushed(phone_hash=ph, kind="助老服务", hours=2.5),  # 5
        pushed(phone_hash=ph, kind="助老服务", hours=1.25),  # 2.5 → 3
    )
    assert await flow.settled(resident, 10 + 5 + 3)


async def test_a_push_before_registration_is_credited_when_the_person_registers(flow: Flow):
    resident, ph = uuid.uuid4(), phone_hash()
    await flow.send(pushed(phone_hash=ph))
    parked = await support.eventually(
        lambda: _count(flow, "SELECT count(*) FROM pending_awards WHERE phone_hash = $1", ph),
        timeout=30,
    )
    assert parked
    await flow.send(registered(resident, ph))
    assert await flow.settled(resident, 15)


async def test_an_unknown_activity_type_is_kept_for_staff(flow: Flow):
    resident, ph = uuid.uuid4(), phone_hash()
    await flow.send(registered(resident, ph), pushed(phone_hash=ph, kind="文艺演出"))
    kept = await support.eventually(
        lambda: _count(
            flow, "SELECT count(*) FROM unmatched_activities WHERE activity_type = $1", "文艺演出"
        ),
        timeout=30,
    )
    assert kept and await flow.balance(resident) == 10


async def test_the_list_version_in_force_when_the_fact_happened_applies(flow_alone: Flow):
    flow = flow_alone  # publishes a new list for COMMUNITY
    async with unit_of_work(flow.db.factory) as session:
        newer = [{**ITEMS[1], "points": 8, "caps": {}}]
        body = rules.PointsList.model_validate({"items": newer, "effective_from": "2026-11-01"})
        version = await rules.draft(session, community_id=COMMUNITY, body=body, actor="t")
        await rules.publish(session, version_id=version.id, now=datetime.now(UTC))
        await session.commit()
    resident, ph = uuid.uuid4(), phone_hash()
    october = datetime.combine(date(2026, 10, 15), datetime.min.time(), UTC)
    november = datetime.combine(date(2026, 11, 20), datetime.min.time(), UTC)
    await flow.send(
        registered(resident, ph),
        pushed(phone_hash=ph, at=october),
        pushed(phone_hash=ph, at=november),
    )
    # The welcome item is not in the newer list, but registration happens today (in force: v2).
    assert await flow.settled(resident, 5 + 8)


async def _count(flow: Flow, sql: str, *args: object) -> bool:
    return bool(await flow.db.fetchval(sql, *args))


async def test_attended_activities_and_adopted_suggestions_earn_by_their_triggers(flow_alone: Flow):
    flow = flow_alone  # publishes a new list for COMMUNITY
    from contracts.notices import ActivityAttended
    from contracts.petitions import PetitionAdopted

    async with unit_of_work(flow.db.factory) as session:
        items = [
            *ITEMS,
            {
                "code": "ACT",
                "name": "参加社区活动",
                "category": "参与",
                "points": 2,
                "triggers": [{"source": "activity"}],
            },
            {
                "code": "ADOPT",
                "name": "建议被采纳",
                "category": "参与",
                "points": 5,
                "triggers": [{"source": "petition_adopted"}],
            },
        ]
        body = rules.PointsList.model_validate({"items": items, "effective_from": "2026-01-02"})
        version = await rules.draft(session, community_id=COMMUNITY, body=body, actor="t")
        await rules.publish(session, version_id=version.id, now=datetime.now(UTC))
        await session.commit()
    resident, ph = uuid.uuid4(), phone_hash()
    attended = new_event(
        ActivityAttended(
            activity_id="a1",
            activity_type="重阳节活动",
            resident_id=str(resident),
            community_id=str(COMMUNITY),
            attended_at=datetime.now(UTC),
        ),
        source="/services/notices",
        subject=str(resident),
    )
    adopted = new_event(
        PetitionAdopted(
            petition_id="p1",
            resident_id=str(resident),
            community_id=str(COMMUNITY),
            adopted_at=datetime.now(UTC),
        ),
        source="/services/petitions",
        subject=str(resident),
    )
    await flow.send(registered(resident, ph), attended, attended, adopted)
    assert await flow.settled(resident, 10 + 2 + 5)


async def _verified(flow: Flow, resident: uuid.UUID) -> bool | None:
    value = await flow.db.fetchval("SELECT verified FROM accounts WHERE resident_id = $1", resident)
    return None if value is None else bool(value)


async def test_a_resident_who_moves_themselves_is_unverified_until_verified_again(flow: Flow):
    resident, now = uuid.uuid4(), datetime.now(UTC)
    subject, source = str(resident), "/services/identity"
    verified = ResidentVerified(
        resident_id=subject,
        community_id=str(COMMUNITY),
        community_path=PATH,
        name="张小三",
        verified_at=now,
    )
    await flow.send(
        registered(resident, phone_hash()), new_event(verified, source=source, subject=subject)
    )
    assert await support.eventually(lambda: _is(flow, resident, True), timeout=30)

    revoked = ResidentVerificationRevoked(
        resident_id=subject,
        community_id=str(COMMUNITY),
        community_path=PATH,
        reason="moved",
        revoked_at=now,
    )
    await flow.send(new_event(revoked, source=source, subject=subject))
    assert await support.eventually(lambda: _is(flow, resident, False), timeout=30)

    await flow.send(new_event(verified, source=source, subject=subject))
    assert await support.eventually(lambda: _is(flow, resident, True), timeout=30)


async def _is(flow: Flow, resident: uuid.UUID, expected: bool) -> bool:
    return await _verified(flow, resident) is expected


def award_latency() -> tuple[float, float]:
    """(count, sum) of points_award_latency_seconds in this process (the runner runs here)."""
    count = REGISTRY.get_sample_value("points_award_latency_seconds_count") or 0.0
    return count, REGISTRY.get_sample_value("points_award_latency_seconds_sum") or 0.0


async def test_an_award_is_observed_from_its_event_time_once_committed(flow: Flow):
    resident, ph = uuid.uuid4(), phone_hash()
    await flow.send(registered(resident, ph))
    assert await flow.settled(resident, 10)
    before = award_latency()
    push = pushed(phone_hash=ph).model_copy(
        update={"time": datetime.now(UTC) - timedelta(minutes=1)}
    )
    await flow.send(push)
    assert await flow.settled(resident, 15)
    count, total = award_latency()
    assert count - before[0] == 1
    assert 60 <= total - before[1] < 90
