"""/api/inbox over real HTTP: my messages, newest first, read once, never another person's."""

from __future__ import annotations

import uuid

from tests.integration.notices.inbox_harness import InboxHarness, inbox_module, shared_inbox

# One stack per module; each test its own community and people (see inbox_harness).
__all__ = ["inbox_module", "shared_inbox"]


async def test_my_messages_newest_first_in_pages(inbox: InboxHarness) -> None:
    me = await inbox.person()
    for n in range(25):
        await inbox.deliver(me.id, title=f"消息{n}")
    first = (await inbox.client.get("/api/inbox", headers=me.headers)).json()
    assert [m["title"] for m in first["items"][:2]] == ["消息24", "消息23"]
    assert len(first["items"]) == 20 and first["next_cursor"]
    rest = await inbox.client.get(
        "/api/inbox", params={"cursor": first["next_cursor"]}, headers=me.headers
    )
    assert [m["title"] for m in rest.json()["items"]] == [f"消息{n}" for n in range(4, -1, -1)]
    assert rest.json()["next_cursor"] is None
    item = first["items"][0]
    assert set(item) >= {"id", "seq", "kind", "title", "body", "link", "created_at", "read_at"}


async def test_reading_a_message_keeps_the_first_read_time(inbox: InboxHarness) -> None:
    me = await inbox.person()
    await inbox.deliver(me.id)
    await inbox.deliver(me.id)
    listed = (await inbox.client.get("/api/inbox?unread=true", headers=me.headers)).json()
    target = listed["items"][0]["id"]
    once = await inbox.client.post(f"/api/inbox/{target}/read", headers=me.headers)
    twice = await inbox.client.post(f"/api/inbox/{target}/read", headers=me.headers)
    assert once.status_code == twice.status_code == 200
    assert once.json()["read_at"] is not None
    assert twice.json()["read_at"] == once.json()["read_at"]
    unread = (await inbox.client.get("/api/inbox?unread=true", headers=me.headers)).json()
    read = (await inbox.client.get("/api/inbox?unread=false", headers=me.headers)).json()
    assert [m["id"] for m in read["items"]] == [target]
    assert len(unread["items"]) == 1 and unread["items"][0]["id"] != target


async def test_read_all_marks_only_my_unread_messages(inbox: InboxHarness) -> None:
    me, other = await inbox.person(), await inbox.person("王五")
    for _ in range(3):
        await inbox.deliver(me.id)
    await inbox.deliver(other.id)
    answer = await inbox.client.post("/api/inbox/read-all", headers=me.headers)
    assert answer.json() == {"updated": 3}
    again = await inbox.client.post("/api/inbox/read-all", headers=me.headers)
    assert again.json() == {"updated": 0}
    theirs = (await inbox.client.get("/api/inbox?unread=true", headers=other.headers)).json()
    assert len(theirs["items"]) == 1


async def test_another_resident_never_sees_my_messages(inbox: InboxHarness) -> None:
    me, other = await inbox.person(), await inbox.person("王五")
    await inbox.deliver(me.id, title="我的积分")
    mine = (await inbox.client.get("/api/inbox", headers=me.headers)).json()["items"]
    theirs = (await inbox.client.get("/api/inbox", headers=other.headers)).json()["items"]
    assert [m["title"] for m in mine] == ["我的积分"]
    assert theirs == []
    answer = await inbox.client.post(f"/api/inbox/{mine[0]['id']}/read", headers=other.headers)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/problem+json")
    unknown = await inbox.client.post(f"/api/inbox/{uuid.uuid4()}/read", headers=me.headers)
    assert unknown.status_code == 404
    # Refusing the other resident left my message unread.
    after = (await inbox.client.get("/api/inbox?unread=true", headers=me.headers)).json()
    assert len(after["items"]) == 1


async def test_bad_input_answers_422_naming_the_field(inbox: InboxHarness) -> None:
    me = await inbox.person()
    cursor = await inbox.client.get("/api/inbox?cursor=not-a-cursor", headers=me.headers)
    assert cursor.status_code == 422
    assert "cursor" in cursor.text
    not_an_id = await inbox.client.post("/api/inbox/abc/read", headers=me.headers)
    assert not_an_id.status_code == 422


async def test_the_inbox_needs_a_token(inbox: InboxHarness) -> None:
    for method, path in [("GET", "/api/inbox"), ("POST", "/api/inbox/read-all")]:
        answer = await inbox.client.request(method, path)
        assert answer.status_code == 401


async def test_the_unread_count_answers_at_both_paths(inbox: InboxHarness) -> None:
    me, other = await inbox.person(), await inbox.person("王五")
    for _ in range(3):
        await inbox.deliver(me.id)
    await inbox.deliver(other.id)
    # /api/inbox/... for clients; /api/notices/inbox/... is what the gateway's home screen asks.
    for path in ("/api/inbox/unread-count", "/api/notices/inbox/unread-count"):
        answer = await inbox.client.get(path, headers=me.headers)
        assert answer.status_code == 200 and answer.json() == {"unread": 3}
    await inbox.client.post("/api/inbox/read-all", headers=me.headers)
    answer = await inbox.client.get("/api/inbox/unread-count", headers=me.headers)
    assert answer.json() == {"unread": 0}
