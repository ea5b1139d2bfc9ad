"""The live inbox (issue 11) with every process running, all through the gateway.

A resident's petition accepted by staff (petitions → Kafka → the notices consumer) and
volunteer pushes that award points (gateway → points → Kafka → notices) become messages in
their inbox, shown live on `GET /api/inbox/stream` (Server-Sent Events), resumable with
`Last-Event-ID`, listed and marked read; another resident never sees them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
import pytest

from tests.e2e.scene import Scene, activity, fresh_id_serial, fresh_phone
from tests.e2e.tenants import id_number
from tests.e2e.test_petitions_flow import act, raise_petition, verified_resident

EVENT_STREAM = "text/event-stream"
LIVE_WITHIN = 1.0  # seconds from the inbox row's created_at to the event on the stream
ARRIVES_WITHIN = 30.0  # seconds from an action to its message (outbox poll, Kafka, consumer)
QUIET = 2.0  # seconds to wait for an event that must not come


@dataclass
class Received:
    seq: int
    data: dict[str, Any]
    at: float  # wall clock (time.time()) when the event's blank line arrived


@dataclass
class Live:
    """One resident's event stream through the gateway, read in the background."""

    events: list[Received] = field(default_factory=list)
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    failure: BaseException | None = None

    async def read(self, answer: httpx.Response) -> None:
        fields: dict[str, str] = {}
        async for line in answer.aiter_lines():
            self.opened.set()  # the first line ("retry: 3000") is sent once subscribed
            if line:
                name, _, value = line.partition(":")
                fields[name] = value.removeprefix(" ")
                continue
            if "id" in fields and "data" in fields:
                self.events.append(Received(int(fields["id"]), json.loads(fields["data"]), 0.0))
                self.events[-1].at = time.time()
                self.arrived.set()
            fields = {}

    async def until(self, count: int, within: float = ARRIVES_WITHIN) -> list[Received]:
        """The first `count` events, waiting at most `within` seconds for them."""
        deadline = time.monotonic() + within
        while len(self.events) < count:
            assert self.failure is None, f"stream failed: {self.failure!r}"
            left = deadline - time.monotonic()
            assert left > 0, f"{len(self.events)} events of {count} after {within} s"
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), min(left, 0.5))
        return self.events[:count]


@contextlib.asynccontextmanager
async def stream(
    gw: httpx.AsyncClient, me: dict[str, str], last_event_id: int | None = None
) -> AsyncIterator[Live]:
    """Connected (subscribed) on entry; hung up on exit."""
    headers = {**me, "Accept": EVENT_STREAM}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    live = Live()

    async def run() -> None:
        try:
            async with gw.stream("GET", "/api/inbox/stream", headers=headers) as answer:
                assert answer.status_code == 200, (answer.status_code, await answer.aread())
                assert answer.headers["content-type"].startswith(EVENT_STREAM)
                await live.read(answer)
        except Exception as exc:  # surfaced by until() and on entry
            live.failure = exc
            live.opened.set()

    task = asyncio.create_task(run())
    try:
        await asyncio.wait_for(live.opened.wait(), 10)
        assert live.failure is None, f"stream failed: {live.failure!r}"
        yield live
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def inbox(gw: httpx.AsyncClient, me: dict[str, str], query: str = "") -> list[Any]:
    answer = await gw.get(f"/api/inbox{query}", headers=me)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def listed(gw: httpx.AsyncClient, me: dict[str, str], count: int) -> list[Any]:
    """The resident's messages, newest first, once there are `count` of them."""
    deadline = time.monotonic() + ARRIVES_WITHIN
    while len(items := await inbox(gw, me)) < count:
        assert time.monotonic() < deadline, f"{len(items)} messages of {count}: {items}"
        await asyncio.sleep(0.2)
    assert len(items) == count, items
    return items


@pytest.fixture(scope="module")
async def category(scene: Scene) -> str:
    body = {
        "community_id": scene.community_id,
        "name": "环境卫生",
        "service_code": "sanitation",
        "kind": "demand",
        "accept_within_hours": 48,
        "resolve_within_days": 15,
    }
    made = await scene.gw.post("/api/petitions/categories", json=body, headers=scene.staff)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_the_live_inbox_delivers_resumes_lists_reads_and_keeps_to_its_owner(
    scene: Scene, category: str
) -> None:
    gw = scene.gw
    mine_phone, other_phone = fresh_phone(), fresh_phone()  # the platform is shared
    _, me = await verified_resident(scene, mine_phone, "周收件", id_number(fresh_id_serial()))
    await scene.register(other_phone, "吴旁人")
    other = await scene.login(other_phone)
    petition = await raise_petition(scene, me, category, "垃圾桶满溢", str(uuid.uuid4()))
    submitted = (await listed(gw, me, 1))[0]  # 诉求已提交, from petition.submitted.v1
    assert submitted["kind"] == "petitions.submitted"

    # 1. Live: the stream is open before staff accept; the message arrives on it.
    async with stream(gw, me) as mine, stream(gw, other) as theirs:
        acted = time.time()
        accepted = await act(scene, petition["id"], "accept", {})
        assert accepted.status_code == 200, accepted.text
        [event] = await mine.until(1)
        row = (await listed(gw, me, 2))[0]
        assert event.data["id"] == row["id"] and event.seq == row["seq"] > submitted["seq"]
        assert row["kind"] == "petitions.accepted" and row["title"] == "诉求已受理"
        assert "垃圾桶满溢" in row["body"] and petition["id"] in row["link"]
        # created_at is PostgreSQL's now() in the consumer's transaction, i.e. its start: the
        # gap is an upper bound of commit → delivery. Both clocks are this machine's.
        committed = datetime.fromisoformat(row["created_at"]).timestamp()
        gap, total = event.at - committed, event.at - acted
        print(f"\n[e2e] inbox row created_at → SSE event: {gap * 1000:.0f} ms")
        print(f"[e2e] staff accept sent → SSE event: {total * 1000:.0f} ms")
        assert 0 <= gap < LIVE_WITHIN, (gap, row, event)
        await asyncio.sleep(QUIET)
        assert len(mine.events) == 1, mine.events  # nothing else, nothing twice
        assert theirs.events == []  # 3. the other resident's stream stays silent
    last = event.seq

    # 2. Resume: two messages made while disconnected arrive on reconnection, once each.
    for _ in range(2):
        pushed = await scene.push(activity(mine_phone, community_id=scene.community_id))
        assert pushed.status_code == 202, pushed.text
    rows = await listed(gw, me, 4)
    awarded = sorted(rows[:2], key=lambda r: int(r["seq"]))
    assert [r["kind"] for r in awarded] == ["points.awarded"] * 2
    async with stream(gw, me, last_event_id=last) as resumed:
        await resumed.until(2)
        await asyncio.sleep(QUIET)
        assert [(e.seq, e.data["id"]) for e in resumed.events] == [
            (r["seq"], r["id"]) for r in awarded
        ]
    assert all(e.data["body"] == "您获得 5 积分。" for e in resumed.events)

    # 4. The list of unread messages and reading one, through the gateway.
    unread = await inbox(gw, me, "?unread=true")
    assert [m["id"] for m in unread] == [m["id"] for m in rows]
    read = await gw.post(f"/api/inbox/{row['id']}/read", headers=me)
    assert read.status_code == 200, read.text
    assert read.json()["id"] == row["id"] and read.json()["read_at"] is not None
    again = await gw.post(f"/api/inbox/{row['id']}/read", headers=me)
    assert again.json()["read_at"] == read.json()["read_at"]  # read once
    unread = await inbox(gw, me, "?unread=true")
    assert row["id"] not in {m["id"] for m in unread} and len(unread) == 3
    assert [m["id"] for m in await inbox(gw, me, "?unread=false")] == [row["id"]]

    # 3. The other resident: an empty list, a 404 for the first one's message, and a live
    # stream that shows their own message only.
    assert await inbox(gw, other) == []
    theft = await gw.post(f"/api/inbox/{row['id']}/read", headers=other)
    assert theft.status_code == 404, theft.text
    async with stream(gw, other, last_event_id=0) as theirs:
        pushed = await scene.push(activity(other_phone, community_id=scene.community_id))
        assert pushed.status_code == 202, pushed.text
        [own] = await theirs.until(1)
        await asyncio.sleep(QUIET)
        assert len(theirs.events) == 1, theirs.events
    [their_row] = await listed(gw, other, 1)
    assert own.data["id"] == their_row["id"] and own.data["kind"] == "points.awarded"
    assert not {m["id"] for m in rows} & {their_row["id"]}


async def test_the_stream_refuses_a_client_that_does_not_accept_an_event_stream(
    scene: Scene,
) -> None:
    phone = fresh_phone()
    await scene.register(phone, "郑普通")
    me = await scene.login(phone)
    plain = await scene.gw.get("/api/inbox/stream", headers=me)
    assert plain.status_code == 406, plain.text
    anonymous = await scene.gw.get("/api/inbox/stream", headers={"Accept": EVENT_STREAM})
    assert anonymous.status_code == 401, anonymous.text
