"""Each person's inbox: messages made from events, WeChat subscriptions, and the push queue."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.notices.base import Base, Timestamps, one_of

PUSH_STATES = ("pending", "sent", "refused", "failed")


class InboxMessage(Base):
    """One message for one resident; `seq` orders the stream and is the SSE event id."""

    __tablename__ = "inbox_messages"
    __table_args__ = (
        # A redelivered event (or a second handler run) never makes a second message.
        UniqueConstraint("resident_id", "source_event_id"),
        Index("ix_inbox_messages_resident_seq", "resident_id", "seq"),
        Index("ix_inbox_messages_resident_created", "resident_id", "created_at", "id"),
        Index("ix_inbox_messages_unread", "resident_id", postgresql_where=text("read_at IS NULL")),
    )

    # Server-side default: the notice fan-out inserts thousands of rows in one INSERT ... SELECT.
    id: Mapped[uuid.UUID] = mapped_column(
        Uuid, primary_key=True, server_default=func.gen_random_uuid()
    )
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), unique=True)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(String(500))
    link: Mapped[str] = mapped_column(String(300))
    source_event_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WechatSubscription(Timestamps, Base):
    """A resident agreed (wx.requestSubscribeMessage) to receive a template; openid from WeChat."""

    __tablename__ = "inbox_wechat_subscriptions"
    __table_args__ = (UniqueConstraint("resident_id", "template_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    resident_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    template_id: Mapped[str] = mapped_column(String(64))
    # Which messages the template carries: the first part of a message kind ("points", ...).
    topic: Mapped[str] = mapped_column(String(16))
    openid: Mapped[str] = mapped_column(String(64))
    # False once WeChat said the user refused or did not subscribe (43101): no more sends.
    usable: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))


class PushJob(Timestamps, Base):
    """A message to send as a WeChat subscription message, written with the message itself and
    drained after commit, so an outage of WeChat never blocks or loses an inbox write."""

    __tablename__ = "inbox_push_queue"
    __table_args__ = (
        UniqueConstraint("message_id", "subscription_id"),
        CheckConstraint(one_of("status", PUSH_STATES), name="status"),
        Index(
            "ix_inbox_push_queue_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    message_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inbox_messages.id", ondelete="CASCADE")
    )
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("inbox_wechat_subscriptions.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(16), server_default=text("'pending'"))
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # WeChat's errcode of the last failure (never a message text that could hold personal data).
    last_error: Mapped[int | None] = mapped_column(BigInteger)
