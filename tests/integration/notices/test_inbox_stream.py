"""The live inbox over real HTTP: a message within a second, heartbeats, Last-Event-ID resume."""

from __future__ import annotations

import asyncio
import time

from tests.integration import support
from tests.integration.notices.inbox_harness import (
    InboxHarness,
    inbox_module,
    listening,
    next_event,
    shared_inbox,
)

# One stack per module; each test its own community and people (see inbox_harness).
__all__ = ["inbox_module", "shared_inbox"]


async def test_a_new_message_reaches_the_open_stream_within_a_second(inbox: InboxHarness) -> None:
    me = await inbox.person()
    async with listening(inbox.client, me) as received:
        opening = await asyncio.wait_for(received.get(), 5)
        assert opening.comment == "keepalive"
        started = time.monotonic()
        await inbox.deliver(me.id, title="积分到账")
        event = await next_event(received, timeout=1.0)
        elapsed = time.monotonic() - started
    assert elapsed < 1.0
    # The closed stream left the hub (no leak of per-client queues).
    hub = inbox.app.state.inbox_hub

    async def gone() -> bool:
        return bool(hub.connected == 0)

    assert await support.eventually(gone, timeout=5)
    assert event.data is not None
    assert event.data["title"] == "积分到账"
    assert event.data["link"] == "/pages/points/index"
    assert event.id == event.data["seq"]


async def test_a_quiet_stream_sends_heartbeats(inbox: InboxHarness) -> None:
    me = await inbox.person()
    async with listening(inbox.client, me) as received:
        await asyncio.wait_for(received.get(), 5)
        # The harness sets the heartbeat to 0.5 s (15 s in production).
        beat = await asyncio.wait_for(received.get(), 2)
    assert beat.comment == "keepalive"


async def test_a_stream_without_last_event_id_starts_with_what_is_new(
    inbox: InboxHarness,
) -> None:
    me = await inbox.person()
    await inbox.deliver(me.id, title="旧消息")
    async with listening(inbox.client, me) as received:
        await asyncio.wait_for(received.get(), 5)
        await inbox.deliver(me.id, title="新消息")
        event = await next_event(received)
    assert event.data is not None and event.data["title"] == "新消息"


async def test_a_reconnect_with_last_event_id_loses_nothing(inbox: InboxHarness) -> None:
    me = await inbox.person()
    async with listening(inbox.client, me) as received:
        await asyncio.wait_for(received.get(), 5)
        await inbox.deliver(me.id, title="第一条")
        first = await next_event(received)
    # Disconnected: two more arrive meanwhile.
    await inbox.deliver(me.id, title="第二条")
    await inbox.deliver(me.id, title="第三条")
    async with listening(inbox.client, me, last_event_id=str(first.id)) as received:
        second = await next_event(received)
        third = await next_event(received)
        await inbox.deliver(me.id, title="第四条")
        fourth = await next_event(received)
    titles = [e.data["title"] for e in (second, third, fourth) if e.data]
    assert titles == ["第二条", "第三条", "第四条"]
    assert first.id is not None and second.id is not None and third.id is not None
    assert first.id < second.id < third.id


async def test_the_query_parameter_resumes_like_the_header(inbox: InboxHarness) -> None:
    me = await inbox.person()
    await inbox.deliver(me.id, title="甲")
    first = int(
        await inbox.db_val("SELECT max(seq) FROM inbox_messages WHERE resident_id = $1", me.id)
    )
    await inbox.deliver(me.id, title="乙")
    async with listening(inbox.client, me, query=f"?last_event_id={first}") as received:
        event = await next_event(received)
    assert event.data is not None and event.data["title"] == "乙"


async def test_a_stream_carries_only_my_messages(inbox: InboxHarness) -> None:
    me, other = await inbox.person(), await inbox.person("王五")
    async with listening(inbox.client, me) as received:
        await asyncio.wait_for(received.get(), 5)
        await inbox.deliver(other.id, title="别人的消息")
        await inbox.deliver(me.id, title="我的消息")
        event = await next_event(received)
    assert event.data is not None and event.data["title"] == "我的消息"


async def test_a_stream_needs_a_token(inbox: InboxHarness) -> None:
    answer = await inbox.client.get("/api/inbox/stream")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_a_message_written_by_one_replica_reaches_a_stream_on_another(
    inbox: InboxHarness,
) -> None:
    """The stream is woken by NOTIFY, not process memory: the writer here is the first
    process's consumer session, the stream is served by a second process."""
    me = await inbox.person()
    async with inbox.replica() as other, listening(other, me) as received:
        await asyncio.wait_for(received.get(), 5)
        started = time.monotonic()
        await inbox.deliver(me.id, title="跨副本消息")
        event = await next_event(received, timeout=1.0)
        assert time.monotonic() - started < 1.0
    assert event.data is not None and event.data["title"] == "跨副本消息"


async def test_a_client_that_does_not_ask_for_an_event_stream_is_refused(
    inbox: InboxHarness,
) -> None:
    """A plain GET must not hang on an endless answer."""
    me = await inbox.person()
    for accept in ("application/json", "*/*"):
        answer = await inbox.client.get(
            "/api/inbox/stream", headers={**me.headers, "Accept": accept}
        )
        assert answer.status_code == 406
        assert answer.headers["content-type"].startswith("application/problem+json")


async def test_a_stream_ends_after_its_lifetime_so_the_token_is_checked_again(
    inbox: InboxHarness,
) -> None:
    me = await inbox.person()
    inbox.app.state.runtime.settings.inbox_stream_lifetime_seconds = 1.0
    headers = {**me.headers, "Accept": "text/event-stream"}
    started = time.monotonic()
    async with inbox.client.stream("GET", "/api/inbox/stream", headers=headers) as answer:
        assert answer.status_code == 200
        body = b"".join([chunk async for chunk in answer.aiter_raw()])
    assert time.monotonic() - started < 5
    assert body.startswith(b"retry: 3000")
