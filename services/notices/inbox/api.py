"""The inbox: /api/inbox — my messages, reading them, the live stream, WeChat consent.

Mounted at /api/inbox (not under /api/notices): the gateway routes /api/inbox to notices.
Every route acts on the caller's own messages only; another person's id is a 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated, cast

import httpx
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from kit.deps import CurrentPrincipal
from kit.errors import DomainError, Invalid
from services.notices.config import Settings
from services.notices.deps import Now, Session
from services.notices.inbox import push, service, stream
from services.notices.inbox.rules import resume_point
from services.notices.inbox.schemas import (
    MessagePage,
    MessageRead,
    ReadAll,
    SubscriptionCreate,
    SubscriptionRead,
    Unread,
)
from services.notices.inbox.wechat import code_to_openid

router = APIRouter(prefix="/api/inbox", tags=["inbox"])
# Under the service prefix (/api/notices/inbox/...): what the gateway's /api/me/home asks.
home_router = APIRouter(prefix="/inbox", tags=["inbox"])


@router.get("", response_model=MessagePage)
async def list_messages(
    me: CurrentPrincipal,
    session: Session,
    unread: bool | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> MessagePage:
    rows, next_cursor = await service.page(
        session, resident_id=uuid.UUID(me.sub), unread=unread, cursor=cursor
    )
    return MessagePage(items=[MessageRead.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get("/unread-count", response_model=Unread)
@home_router.get("/unread-count", response_model=Unread)
async def count_unread(me: CurrentPrincipal, session: Session) -> Unread:
    return Unread(unread=await service.unread_count(session, resident_id=uuid.UUID(me.sub)))


@router.post("/read-all", response_model=ReadAll)
async def read_all(me: CurrentPrincipal, session: Session, now: Now) -> ReadAll:
    updated = await service.mark_all_read(session, resident_id=uuid.UUID(me.sub), now=now)
    await session.commit()
    return ReadAll(updated=updated)


@router.post("/{message_id}/read", response_model=MessageRead)
async def read_one(
    message_id: uuid.UUID, me: CurrentPrincipal, session: Session, now: Now
) -> MessageRead:
    message = await service.mark_read(
        session, resident_id=uuid.UUID(me.sub), message_id=message_id, now=now
    )
    answer = MessageRead.model_validate(message)
    await session.commit()
    return answer


class NotAnEventStreamClient(DomainError):
    status = 406
    title = "不支持的响应格式"


EVENT_STREAM = "text/event-stream"


@router.get(
    "/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {EVENT_STREAM: {}}}, 406: {"description": "未声明接受事件流"}},
)
async def live(
    request: Request,
    me: CurrentPrincipal,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    resume: Annotated[str | None, Query(alias="last_event_id", max_length=20)] = None,
) -> StreamingResponse:
    """Server-Sent Events: `id:` is the message's seq; reconnect with `Last-Event-ID`.

    Only for a client that says `Accept: text/event-stream` (EventSource always does): an
    endless answer to a plain GET would hang it, and the gateway lets such requests stream
    without a read timeout.
    """
    if EVENT_STREAM not in request.headers.get("accept", ""):
        raise NotAnEventStreamClient(f"请在 Accept 中声明 {EVENT_STREAM}")
    settings = _settings(request)
    body = stream.events(
        hub=request.app.state.inbox_hub,
        factory=request.app.state.runtime.session_factory,
        resident_id=uuid.UUID(me.sub),
        resume_after=resume_point(last_event_id, resume),
        heartbeat_seconds=settings.inbox_heartbeat_seconds,
        lifetime_seconds=settings.inbox_stream_lifetime_seconds,
    )
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(body, media_type=EVENT_STREAM, headers=headers)


@router.post("/wechat-subscriptions", status_code=201, response_model=SubscriptionRead)
async def subscribe_wechat(
    body: SubscriptionCreate, request: Request, me: CurrentPrincipal, session: Session
) -> SubscriptionRead:
    """The openid comes from WeChat (the caller's fresh wx.login code), never from the client."""
    settings = _settings(request)
    topics = {template: topic for topic, template in settings.wechat_templates.items()}
    topic = topics.get(body.template_id)
    if topic is None:
        raise Invalid("不支持的订阅消息模板", field="template_id")
    client: httpx.AsyncClient = request.app.state.inbox_http
    openid = await code_to_openid(
        client=client,
        base_url=settings.wechat_api_base,
        appid=settings.wechat_appid,
        secret=settings.wechat_secret.get_secret_value(),
        code=body.code,
    )
    await push.subscribe(
        session,
        resident_id=uuid.UUID(me.sub),
        template_id=body.template_id,
        topic=topic,
        openid=openid,
    )
    await session.commit()
    return SubscriptionRead(template_id=body.template_id, topic=topic)


def _settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.runtime.settings)
