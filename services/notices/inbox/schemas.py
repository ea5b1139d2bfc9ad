"""Request and response models of the inbox API."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from kit.schemas import In


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    seq: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class MessagePage(BaseModel):
    items: list[MessageRead]
    next_cursor: str | None


class Unread(BaseModel):
    unread: int


class ReadAll(BaseModel):
    updated: int


class SubscriptionCreate(In):
    """After wx.requestSubscribeMessage accepted: the template and a fresh wx.login code."""

    template_id: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=1, max_length=128, description="wx.login 返回的 code")


class SubscriptionRead(BaseModel):
    template_id: str
    topic: str
