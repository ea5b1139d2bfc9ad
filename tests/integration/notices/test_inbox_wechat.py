"""Inbox messages also sent as WeChat subscription messages, to a local stand-in of WeChat's
API over real HTTP: consent via wx.login code, expired tokens, refusals, outages."""

from __future__ import annotations

import logging
import uuid

import pytest

from tests.integration import support
from tests.integration.notices.inbox_harness import (
    SECRET,
    TEMPLATES,
    InboxHarness,
    Person,
    WeChatStandIn,
    identity,
    inbox,
    wechat,
)

__all__ = ["identity", "inbox", "wechat"]


async def subscribe(inbox: InboxHarness, wechat: WeChatStandIn, who: Person, openid: str) -> None:
    body = {"template_id": TEMPLATES["points"], "code": wechat.code_for(openid)}
    answer = await inbox.client.post(
        "/api/inbox/wechat-subscriptions", json=body, headers=who.headers
    )
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"template_id": TEMPLATES["points"], "topic": "points"}


async def job_status(inbox: InboxHarness, who: uuid.UUID) -> str | None:
    status = await inbox.db_val(
        "SELECT q.status FROM inbox_push_queue q JOIN inbox_messages m ON m.id = q.message_id"
        " WHERE m.resident_id = $1 ORDER BY q.id DESC LIMIT 1",
        who,
    )
    return None if status is None else str(status)


async def settled(inbox: InboxHarness, who: uuid.UUID, expected: str) -> bool:
    async def check() -> bool:
        return await job_status(inbox, who) == expected

    return await support.eventually(check, timeout=10, interval=0.1)


async def test_a_subscriber_receives_the_message_as_a_subscription_message(
    inbox: InboxHarness, wechat: WeChatStandIn
) -> None:
    me = await inbox.person()
    openid = f"o-{uuid.uuid4().hex}"
    await subscribe(inbox, wechat, me, openid)
    await inbox.deliver(me.id, title="积分到账")
    assert await settled(inbox, me.id, "sent")
    [sent] = wechat.sent
    assert sent["touser"] == openid
    assert sent["template_id"] == TEMPLATES["points"]
    assert sent["page"] == "/pages/points/index"
    assert sent["data"]["thing1"]["value"] == "积分到账"
    assert set(sent["data"]) == {"thing1", "thing2", "time3"}


async def test_a_message_of_an_unsubscribed_topic_is_not_pushed(
    inbox: InboxHarness, wechat: WeChatStandIn
) -> None:
    me = await inbox.person()
    await subscribe(inbox, wechat, me, f"o-{uuid.uuid4().hex}")
    await inbox.deliver(me.id, title="订单已取消", kind="mall.cancelled")
    assert await job_status(inbox, me.id) is None
    assert wechat.sent == []


async def test_an_expired_access_token_is_renewed_once_and_the_send_retried(
    inbox: InboxHarness, wechat: WeChatStandIn
) -> None:
    me = await inbox.person()
    await subscribe(inbox, wechat, me, f"o-{uuid.uuid4().hex}")
    await inbox.deliver(me.id, title="第一条")
    assert await settled(inbox, me.id, "sent")
    assert wechat.token_calls == 1
    wechat.expire_tokens()
    await inbox.deliver(me.id, title="第二条")
    assert await settled(inbox, me.id, "sent")
    assert [s["data"]["thing1"]["value"] for s in wechat.sent] == ["第一条", "第二条"]
    assert wechat.token_calls == 2
    # One refused try with the old token, one with the new.
    assert wechat.send_calls == 3


async def test_a_refusal_stops_pushes_to_that_subscription_and_logs_no_openid(
    inbox: InboxHarness, wechat: WeChatStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    me = await inbox.person("赵桂兰")
    openid = f"o-{uuid.uuid4().hex}"
    wechat.refused.add(openid)
    await subscribe(inbox, wechat, me, openid)
    await inbox.deliver(me.id, title="积分到账")
    assert await settled(inbox, me.id, "refused")
    assert wechat.send_calls == 1
    usable = await inbox.db_val(
        "SELECT usable FROM inbox_wechat_subscriptions WHERE resident_id = $1", me.id
    )
    assert usable is False
    await inbox.deliver(me.id, title="又一条")
    assert await job_status(inbox, me.id) == "refused"  # no new job was queued
    assert wechat.send_calls == 1
    text = caplog.text
    assert "43101" in text or any(getattr(r, "errcode", None) == 43101 for r in caplog.records)
    for record in caplog.records:
        rendered = f"{record.getMessage()} {record.__dict__}"
        assert openid not in rendered and "赵桂兰" not in rendered
        assert SECRET not in rendered and "token-" not in rendered
    # Consenting again makes the subscription usable again.
    await subscribe(inbox, wechat, me, openid)
    assert await inbox.db_val(
        "SELECT usable FROM inbox_wechat_subscriptions WHERE resident_id = $1", me.id
    )


async def test_a_wechat_outage_neither_blocks_nor_loses_the_inbox_message(
    inbox: InboxHarness, wechat: WeChatStandIn
) -> None:
    me = await inbox.person()
    await subscribe(inbox, wechat, me, f"o-{uuid.uuid4().hex}")
    wechat.down = True
    await inbox.deliver(me.id, title="停机时的消息")
    listed = (await inbox.client.get("/api/inbox", headers=me.headers)).json()
    assert [m["title"] for m in listed["items"]] == ["停机时的消息"]

    async def tried() -> bool:
        # Settled after a failed send: the lease counts the attempt before the send is tried,
        # the error is written once it came back.
        return await inbox.db_val("SELECT max(last_error) FROM inbox_push_queue") is not None

    assert await support.eventually(tried, timeout=10)
    assert await inbox.db_val("SELECT max(attempts) FROM inbox_push_queue") >= 1
    assert await job_status(inbox, me.id) == "pending"
    assert await inbox.db_val("SELECT last_error FROM inbox_push_queue") == -1
    # Back up: the job is sent at its next attempt (pulled forward here instead of waiting).
    wechat.down = False
    await inbox.db_val("UPDATE inbox_push_queue SET next_attempt_at = now() RETURNING 1")
    assert await settled(inbox, me.id, "sent")


async def test_a_subscription_needs_a_known_template_and_a_valid_code(
    inbox: InboxHarness, wechat: WeChatStandIn
) -> None:
    me = await inbox.person()
    unknown = {"template_id": "not-ours", "code": wechat.code_for("o-x")}
    answer = await inbox.client.post(
        "/api/inbox/wechat-subscriptions", json=unknown, headers=me.headers
    )
    assert answer.status_code == 422 and "template_id" in answer.text
    bad_code = {"template_id": TEMPLATES["points"], "code": "forged"}
    answer = await inbox.client.post(
        "/api/inbox/wechat-subscriptions", json=bad_code, headers=me.headers
    )
    assert answer.status_code == 422 and "code" in answer.text
    openid = {"template_id": TEMPLATES["points"], "code": "c", "openid": "o-mine"}
    answer = await inbox.client.post(
        "/api/inbox/wechat-subscriptions", json=openid, headers=me.headers
    )
    assert answer.status_code == 422  # a client never names an openid
    assert await inbox.db_val("SELECT count(*) FROM inbox_wechat_subscriptions") == 0
