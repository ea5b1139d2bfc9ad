"""Batched awards post exactly what one-at-a-time awards post.

The same event bytes go to two topics; one points database is fed by the runner with points'
handler table (runs of awards batched, awards/batch.py), the other by the same runner with
every handler taken one event at a time (the path before batching). The stream mixes
registered and unregistered volunteers, an unmatched activity type, capped items (the day cap
crossed inside the batch, and a window before it), a penalty that leaves debt, awards paying
debt first, attended and adopted events, a duplicate and a poison event; a second round forces
the careful path (an attended event without an account, a fact already posted). Every ledger
row, aggregate, parked row, inbox outcome, published event and dead letter must be equal.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from contracts.notices import ActivityAttended
from contracts.petitions import PetitionAdopted
from contracts.volunteer import Activity, ActivityCompleted, VolunteerRef
from kit.consumer import ConsumerRunner
from kit.db import unit_of_work
from kit.events import CloudEvent, ParsedEvent, new_event, serialize
from kit.phone import keyed_hash
from kit.subscriptions import Batchable, HandlerTable
from services.points.consumers import HANDLERS
from services.points.listing import service as listing
from tests.integration import support
from tests.integration.points.batch_snapshot import snapshot
from tests.integration.support import Db

COMMUNITY = uuid.UUID("6f1c0a52-2b1e-4d0c-9a51-0c3f4f7e0001")
HOUSEHOLD = uuid.UUID("6f1c0a52-2b1e-4d0c-9a51-0c3f4f7e00aa")
RESIDENTS = [uuid.UUID(f"6f1c0a52-2b1e-4d0c-9a51-0c3f4f7e010{n}") for n in range(1, 6)]
PHONES = [keyed_hash("batch-test", f"1380000{n:04d}") for n in range(1, 6)]
STRANGER = keyed_hash("batch-test", "13900009999")
# Noon in Shanghai: the facts fall in one local day unless moved on purpose.
AT = datetime(2026, 6, 15, 4, tzinfo=UTC)
ITEMS = [
    {"code": "ENV", "name": "环境整治", "category": "志愿", "points": 2, "unit": "per_hour",
     "caps": {"day": 6}, "triggers": [{"source": "volunteer", "activity_type": "环境整治"}]},
    {"code": "TRAIN", "name": "培训", "category": "志愿", "points": 3,
     "triggers": [{"source": "volunteer", "activity_type": "培训"}]},
    {"code": "BAD", "name": "违规", "category": "扣分", "points": -4,
     "triggers": [{"source": "volunteer", "activity_type": "违规"}]},
    {"code": "ACT", "name": "参加社区活动", "category": "参与", "points": 2,
     "caps": {"month": 5}, "triggers": [{"source": "activity"}]},
    {"code": "ADOPT", "name": "建议被采纳", "category": "参与", "points": 10,
     "triggers": [{"source": "petition_adopted"}]},
]  # fmt: skip


def push(n: int, who: int | None, kind: str, hours: float = 1, *, at: datetime = AT) -> CloudEvent:
    """A volunteer push: `who` indexes PHONES, None is a phone nobody registered."""
    data = ActivityCompleted(
        volunteer=VolunteerRef(phone_hash=PHONES[who] if who is not None else STRANGER),
        activity=Activity(id=f"a{n}", type=kind, title=f"活动{n}"),
        community_id=str(COMMUNITY),
        hours=hours,
        completed_at=at,
    )
    return new_event(data, source="/partners/volunteer", subject=data.volunteer.phone_hash or "")


def by_resident(n: int, who: int) -> CloudEvent:
    data = ActivityCompleted(
        volunteer=VolunteerRef(resident_id=str(RESIDENTS[who])),
        activity=Activity(id=f"r{n}", type="环境整治", title="清扫"),
        community_code="XB",
        hours=1,
        completed_at=AT,
    )
    return new_event(data, source="/partners/volunteer", subject=str(RESIDENTS[who]))


def attended(n: int, resident: uuid.UUID) -> CloudEvent:
    data = ActivityAttended(
        activity_id=f"act{n}",
        activity_type="议事会",
        resident_id=str(resident),
        community_id=str(COMMUNITY),
        attended_at=AT,
    )
    return new_event(data, source="/services/notices", subject=str(resident))


def adopted(n: int, who: int) -> CloudEvent:
    data = PetitionAdopted(
        petition_id=f"p{n}",
        resident_id=str(RESIDENTS[who]),
        community_id=str(COMMUNITY),
        adopted_at=AT,
    )
    return new_event(data, source="/services/petitions", subject=str(RESIDENTS[who]))


def poison() -> bytes:
    """An envelope whose data breaks its contract (25 hours): parked, never applied."""
    event = push(99, 0, "环境整治")
    raw = json.loads(serialize(event))
    raw["data"]["hours"] = 25
    return json.dumps(raw).encode()


def stream() -> tuple[list[bytes], list[bytes]]:
    """Two rounds of event bytes (the same for both databases)."""
    first = first_round()
    return first, second_round(first[4])


def first_round() -> list[bytes]:
    training = push(5, 1, "培训")
    events = [
        push(1, 0, "环境整治", 2),  # 4 points
        push(2, 0, "环境整治", 1),  # 2: the day cap of 6 reached
        push(3, 0, "环境整治", 1),  # all capped
        push(4, 0, "环境整治", 1, at=AT - timedelta(days=1)),  # a window the batch already fills
        training,  # 3
        push(6, 1, "违规"),  # takes 3, leaves debt 1
        push(7, 1, "培训"),  # pays the debt first
        push(8, 2, "未知活动"),  # unmatched: parked for staff
        push(9, None, "培训"),  # unregistered: parked for registration
        push(10, 4, "培训"),  # all of it pays the seeded debt
        attended(11, RESIDENTS[2]),
        attended(12, RESIDENTS[2]),
        attended(13, RESIDENTS[2]),  # the month cap of 5: 1 capped
        adopted(14, 3),
        by_resident(15, 3),
    ]
    return [serialize(e) for e in events] + [serialize(training), poison()]


def second_round(training: bytes) -> list[bytes]:
    again = json.loads(serialize(push(20, 1, "培训")))
    first = json.loads(training)
    again["id"], again["source"] = first["id"], "/partners/other"  # the same fact, posted
    events = [
        serialize(push(21, 0, "培训", at=AT + timedelta(days=1))),
        serialize(attended(22, uuid.UUID(int=7))),  # no account: parked by the careful path
        json.dumps(again).encode(),
        serialize(push(23, 3, "环境整治", 2)),
    ]
    return events


SEED = """
INSERT INTO accounts (id, kind, resident_id, phone_hash, name, community_id, community_path,
                      household_id, debt)
SELECT gen_random_uuid(), 'resident', r, p, '居民', $3, $4, h, d
FROM unnest($1::uuid[], $2::text[], $5::uuid[], $6::bigint[]) AS s(r, p, h, d)
"""


async def seed(db: Db) -> None:
    async with unit_of_work(db.factory) as session:
        body = listing.PointsList.model_validate({"items": ITEMS, "effective_from": "2026-01-01"})
        version = await listing.draft(session, community_id=COMMUNITY, body=body, actor="t")
        await listing.publish(session, version_id=version.id, now=AT)
        await session.commit()
    conn = await asyncpg.connect(db.dsn)
    try:
        households = [None, None, HOUSEHOLD, HOUSEHOLD, None]
        debts = [0, 0, 0, 0, 7]
        await conn.execute(SEED, RESIDENTS, PHONES, COMMUNITY, f"/{COMMUNITY}", households, debts)
    finally:
        await conn.close()


class Spy:
    """Counts the events each batch handler applied (the fast path really ran in batches)."""

    def __init__(self, table: HandlerTable) -> None:
        self.batched = 0
        self.table: dict[str, Any] = {}
        for name, handler in table.items():
            if isinstance(handler, Batchable):
                self.table[name] = Batchable(handler.one, self._counted(handler.many))
            else:
                self.table[name] = handler

    def _counted(self, many: Any) -> Any:
        async def counted(session: Any, events: Sequence[ParsedEvent[Any]]) -> None:
            await many(session, events)
            self.batched += len(events)

        return counted


def one_at_a_time(table: HandlerTable) -> dict[str, Any]:
    return {name: getattr(handler, "one", handler) for name, handler in table.items()}


def key(value: bytes) -> bytes:
    """Keyed as in production: by the event's subject (a phone hash or a resident id)."""
    return str(json.loads(value).get("subject", "")).encode()


async def feed(
    db: Db, kafka: str, topic: str, handlers: HandlerTable, rounds: list[list[bytes]]
) -> None:
    runner = ConsumerRunner(
        consumer_name=f"points-{db.name}",  # one group per database, across calls
        topics=[topic],
        handlers=handlers,
        session_factory=db.factory,
        bootstrap_servers=kafka,
    )
    async with support.running(runner):
        for values in rounds:
            before = await inbox_count(db)
            await support.produce(kafka, topic, values, keys=[key(v) for v in values])
            # Every distinct event leaves an inbox row, applied or parked (round one repeats
            # one event).
            distinct = len({(e["source"], e["id"]) for e in map(json.loads, values)})

            async def settled(target: int = before + distinct) -> bool:
                return await inbox_count(db) >= target

            assert await support.eventually(settled, timeout=60)
            await asyncio.sleep(0.5)  # nothing more arrives: the count is exact
            assert await inbox_count(db) == before + distinct


async def inbox_count(db: Db) -> int:
    return int(str(await db.fetchval("SELECT count(*) FROM inbox")))


async def test_a_batch_posts_exactly_what_one_at_a_time_posts(kafka: str) -> None:
    rounds = list(stream())
    topics = [support.unique("batch.a"), support.unique("batch.b")]
    await support.create_topics(kafka, [t for topic in topics for t in (topic, f"{topic}.dlq")])
    spy = Spy(HANDLERS)
    async with (
        support.scratch_database("points") as batched,
        support.scratch_database("points") as single,
    ):
        await seed(batched)
        await seed(single)
        await feed(batched, kafka, topics[0], spy.table, rounds[:1])
        assert spy.batched == 15, "the first round ran on the fast path, in batches"
        await feed(batched, kafka, topics[0], spy.table, rounds[1:])
        await feed(single, kafka, topics[1], one_at_a_time(HANDLERS), rounds)
        got, want = (
            await snapshot(batched, kafka, topics[0]),
            await snapshot(single, kafka, topics[1]),
        )
    assert got == want
    # Not two empty ledgers: what the stream must have done.
    assert want["parked"] == (1, 1), "one push waits for registration, one type for staff"
    assert len(want["dead_letters"]) == 2, "the poison and the attended event without account"
    capped = {
        (p["source_id"].split(":")[0], p["score_delta"], p["capped"]) for p in want["postings"]
    }
    assert sum(1 for _, score, cap in capped if cap) == 3, "two ENV capped whole, one ACT in part"
    assert want["wallets"][RESIDENTS[1]] == (2, 0), "3 - 3 (debt 1) + 3 paying the debt first"
    assert want["wallets"][RESIDENTS[4]] == (0, 4), "3 of the 7 seeded debt paid"
