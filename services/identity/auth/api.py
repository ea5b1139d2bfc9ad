"""Login, tokens, the JWKS and member codes: /auth/*, /.well-known/jwks.json, /keys/rotate,
/me/member-code (all under /api/identity)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response

from kit.deps import CurrentPrincipal
from services.identity.auth import keys, service
from services.identity.auth.schemas import (
    LoginIn,
    MemberCodeOut,
    RefreshIn,
    SmsCodeIn,
    SmsLoginIn,
    TokenOut,
    WechatIn,
)
from services.identity.auth.tokens import TokenPair
from services.identity.deps import ClientIP, Context, Now, RootAdmin, Session

router = APIRouter(tags=["auth"])


def _token_out(pair: TokenPair) -> TokenOut:
    return TokenOut(**pair.__dict__)


@router.post("/auth/login")
async def login(body: LoginIn, session: Session, ctx: Context, ip: ClientIP, now: Now) -> TokenOut:
    pair = await service.login(
        session=session, ctx=ctx, phone=body.phone, password=body.password, ip=ip, now=now
    )
    return _token_out(pair)


@router.post("/auth/refresh")
async def refresh(body: RefreshIn, session: Session, ctx: Context, now: Now) -> TokenOut:
    pair = await service.refresh(session=session, ctx=ctx, token=body.refresh_token, now=now)
    return _token_out(pair)


@router.post("/auth/logout", status_code=204)
async def logout(body: RefreshIn, session: Session, now: Now) -> Response:
    await service.logout(session=session, token=body.refresh_token, now=now)
    return Response(status_code=204)


@router.post("/auth/sms-code", status_code=202)
async def sms_code(
    body: SmsCodeIn, session: Session, ctx: Context, ip: ClientIP, now: Now
) -> dict[str, int]:
    ttl = await service.send_sms_code(session=session, ctx=ctx, phone=body.phone, ip=ip, now=now)
    return {"expires_in": ttl}


@router.post("/auth/sms-login")
async def sms_login(
    body: SmsLoginIn, session: Session, ctx: Context, ip: ClientIP, now: Now
) -> TokenOut:
    pair = await service.sms_login(
        session=session, ctx=ctx, phone=body.phone, code=body.code, ip=ip, now=now
    )
    return _token_out(pair)


@router.post("/auth/wechat")
async def wechat_login(body: WechatIn, session: Session, ctx: Context, now: Now) -> TokenOut:
    """Log in by mini-program code; the first time, bind the openid by phone + SMS code."""
    pair = await service.wechat_login(
        session=session,
        ctx=ctx,
        code=body.code,
        phone=body.phone,
        sms_code=body.sms_code,
        now=now,
    )
    return _token_out(pair)


@router.get("/.well-known/jwks.json")
async def jwks(session: Session, now: Now) -> dict[str, list[dict[str, Any]]]:
    return await keys.jwks(session=session, now=now)


@router.post("/keys/rotate", status_code=201)
async def rotate_signing_key(
    _: RootAdmin, session: Session, ctx: Context, now: Now
) -> dict[str, str]:
    """Publish a new signing key; it signs after the activation delay, the old one retires."""
    return {"kid": await service.rotate_signing_key(session=session, ctx=ctx, now=now)}


@router.get("/me/member-code")
async def member_code(
    principal: CurrentPrincipal, session: Session, ctx: Context, now: Now, response: Response
) -> MemberCodeOut:
    """The caller's own member code, about a minute long, for the mall counter to scan."""
    issued = await service.member_code(
        session=session, ctx=ctx, person_id=uuid.UUID(principal.sub), now=now
    )
    # A bearer credential: no cache, browser's or proxy's, may keep it.
    response.headers["Cache-Control"] = "no-store"
    return MemberCodeOut(**issued.__dict__)
