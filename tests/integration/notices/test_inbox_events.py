"""Events in → inbox messages: through the real Kafka topics and the notices consumer runner,
once per (person, event), and a require_ack notice fanned out to a community in bulk."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event as sa_event

from contracts import EventData
from contracts.mall import OrderCancelled
from contracts.notices import NoticePublished
from contracts.petitions import PetitionAssigned
from contracts.points import PointsAwarded
from kit.consumer import ConsumerRunner
from kit.db import unit_of_work
from kit.events import CloudEvent, ParsedEvent, new_event, serialize
from services.notices.consumers import HANDLERS, SUBSCRIPTIONS
from services.notices.inbox import handlers
from tests.integration import support
from tests.integration.notices.inbox_harness import InboxHarness, inbox_module, shared_inbox

# One stack per module; each test its own community and people (see inbox_harness).
__all__ = ["inbox_module", "shared_inbox"]

NOW = datetime.now(UTC)


def envelope(data: EventData, source: str, subject: str) -> CloudEvent:
    return new_event(data, source=source, subject=subject)


def awarded(resident: uuid.UUID, community: str) -> CloudEvent:
    data = PointsAwarded(
        resident_id=str(resident),
        community_id=community,
        posting_id=str(uuid.uuid4()),
        item_code="ENV",
        source_type="volunteer",
        source_id=uuid.uuid4().hex,
        posted_at=NOW,
        points=5,
    )
    return envelope(data, "/services/points", str(resident))


def assigned(author: uuid.UUID, assignee: uuid.UUID, community: str) -> CloudEvent:
    petition = str(uuid.uuid4())
    data = PetitionAssigned(
        petition_id=petition,
        author_id=str(author),
        community_id=community,
        title="村口路灯坏了",
        status="assigned",
        occurred_at=NOW,
        assignee_id=str(assignee),
    )
    return envelope(data, "/services/petitions", petition)


def cancelled(buyer: uuid.UUID, community: str) -> CloudEvent:
    order = str(uuid.uuid4())
    data = OrderCancelled(
        order_id=order, resident_id=str(buyer), community_id=community, cancelled_at=NOW
    )
    return envelope(data, "/services/mall", order)


async def messages(inbox: InboxHarness, who: uuid.UUID) -> list[dict[str, Any]]:
    conn_rows = await inbox.db_val(
        "SELECT coalesce(json_agg(m ORDER BY seq), '[]') FROM inbox_messages m"
        " WHERE resident_id = $1",
        who,
    )
    rows: list[dict[str, Any]] = json.loads(conn_rows)
    return rows


async def test_events_from_kafka_become_messages_once_each(inbox: InboxHarness, kafka: str) -> None:
    author, staff, buyer = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    community = inbox.community_path.rsplit("/", 1)[-1]
    await support.create_topics(kafka, list(SUBSCRIPTIONS.topics))
    award = awarded(author, community)
    events = {
        "points.events": [award, award],  # a redelivery of the same event
        "petitions.events": [assigned(author, staff, community)],
        "mall.events": [cancelled(buyer, community)],
    }
    runner = ConsumerRunner(
        consumer_name=support.unique("notices"),
        topics=SUBSCRIPTIONS.topics,
        handlers=HANDLERS,
        session_factory=inbox.session_factory,
        bootstrap_servers=kafka,
    )
    async with support.running(runner):
        for topic, batch in events.items():
            keys = [e.subject.encode() for e in batch if e.subject]
            await support.produce(kafka, topic, [serialize(e) for e in batch], keys=keys)

        async def arrived() -> bool:
            return len(await messages(inbox, buyer)) == 1 and len(await messages(inbox, staff)) == 1

        assert await support.eventually(arrived, timeout=60)
        # The duplicate and the petition were in the same run: both settled by now.
        assert await support.eventually(lambda: _count(inbox, author, 2), timeout=10)
    # Two topics: no order between them.
    mine = {m["kind"]: m for m in await messages(inbox, author)}
    assert set(mine) == {"points.awarded", "petitions.assigned"}
    award_message = mine["points.awarded"]
    assert award_message["title"] == "积分到账" and "5 积分" in award_message["body"]
    assert mine["petitions.assigned"]["link"].startswith("/pages/petitions/detail?id=")
    todo = (await messages(inbox, staff))[0]
    assert todo["kind"] == "petitions.todo" and "村口路灯坏了" in todo["body"]
    order = (await messages(inbox, buyer))[0]
    assert order["title"] == "订单已取消" and order["link"].startswith("/pages/mall/order?id=")


async def _count(inbox: InboxHarness, who: uuid.UUID, expected: int) -> bool:
    return len(await messages(inbox, who)) == expected


async def test_a_second_delivery_outside_the_runner_makes_no_second_message(
    inbox: InboxHarness,
) -> None:
    """The unique (person, event) key holds even where the runner's inbox is not in play."""
    me = uuid.uuid4()
    event = awarded(me, "c")
    parsed: ParsedEvent[Any] = ParsedEvent(
        envelope=event, data=PointsAwarded.model_validate(event.data)
    )
    for _ in range(2):
        async with unit_of_work(inbox.session_factory) as session:
            await handlers.on_event(session, parsed)
            await session.commit()
    assert len(await messages(inbox, me)) == 1


def published(path: str, *, require_ack: bool) -> ParsedEvent[NoticePublished]:
    data = NoticePublished(
        notice_id=str(uuid.uuid4()),
        unit_id=path.rsplit("/", 1)[-1],
        unit_path=path,
        category="village_affairs",
        title="关于2026年度低保评议结果的公示",
        require_ack=require_ack,
        published_at=NOW,
    )
    return ParsedEvent(envelope=envelope(data, "/services/notices", data.notice_id), data=data)


async def test_a_require_ack_notice_reaches_everyone_below_its_unit_in_one_statement(
    inbox: InboxHarness,
) -> None:
    town = inbox.community_path.rsplit("/", 1)[0]
    elsewhere = f"/{uuid.uuid4()}/{uuid.uuid4()}/{uuid.uuid4()}"
    near = f"{town}/{uuid.uuid4()}"
    inside = [uuid.uuid4() for _ in range(300)] + [uuid.uuid4() for _ in range(200)]
    for rid in inside[:300]:
        await inbox.resident(rid, inbox.community_path)
    for rid in inside[300:]:
        await inbox.resident(rid, near)
    outside = uuid.uuid4()
    await inbox.resident(outside, elsewhere)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    notice = published(town, require_ack=True)
    async with unit_of_work(inbox.session_factory) as session:
        # Only this transaction's statements (the app's jobs share the engine).
        connection = (await session.connection()).sync_connection
        assert connection is not None
        sa_event.listen(connection, "before_cursor_execute", count)
        await handlers.on_notice_published(session, notice)
        sa_event.remove(connection, "before_cursor_execute", count)
        await session.commit()
    # This notice's messages only: the module's stack is shared with the other tests.
    total = await inbox.db_val(
        "SELECT count(*) FROM inbox_messages WHERE kind = 'notices.require_ack' AND link = $1",
        f"/pages/notices/detail?id={notice.data.notice_id}",
    )
    assert total == 500
    assert await messages(inbox, outside) == []
    # The lock and one INSERT ... SELECT (and its NOTIFY): not a statement per resident.
    assert len(statements) <= 3
    one = (await messages(inbox, inside[0]))[0]
    assert one["link"] == f"/pages/notices/detail?id={notice.data.notice_id}"
    assert "低保评议" in one["body"]


async def test_a_notice_without_require_ack_sends_nothing(inbox: InboxHarness) -> None:
    rid = uuid.uuid4()
    await inbox.resident(rid, inbox.community_path)
    async with unit_of_work(inbox.session_factory) as session:
        await handlers.on_notice_published(
            session, published(inbox.community_path, require_ack=False)
        )
        await session.commit()
    assert await messages(inbox, rid) == []
