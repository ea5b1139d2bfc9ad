"""Request and response models of login, tokens and SMS codes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from kit.schemas import In
from services.identity.people.schemas import Phone

SmsCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]


class LoginIn(In):
    phone: Phone
    password: Annotated[str, StringConstraints(min_length=1, max_length=72)]


class RefreshIn(In):
    refresh_token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class SmsCodeIn(In):
    phone: Phone


class SmsLoginIn(In):
    phone: Phone
    code: SmsCode


class WechatIn(In):
    code: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    phone: Phone | None = None
    sms_code: SmsCode | None = None


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class MemberCodeOut(BaseModel):
    """The resident's QR member code for the mall counter; fetch anew after refresh_in_seconds."""

    code: str
    expires_at: datetime
    refresh_in_seconds: int
