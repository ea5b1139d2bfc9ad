"""Login, tokens and the JWKS: /api/identity/auth/* and /.well-known/jwks.json."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from sqlalchemy import select

from kit.errors import Conflict
from kit.phone import normalise_phone
from services.identity import keys, people, sms, tokens, wechat
from services.identity.deps import ClientIP, Context, Now, Session
from services.identity.models import Person
from services.identity.models_auth import WechatBinding
from services.identity.passwords import check_password
from services.identity.schemas import LoginIn, RefreshIn, SmsCodeIn, SmsLoginIn, TokenOut, WechatIn

router = APIRouter(tags=["auth"])
WRONG_LOGIN = "手机号或密码错误"  # the same for unknown phones: registration is not revealed


async def _issue(session: Session, ctx: Context, person: Person, now: Any) -> TokenOut:
    pair = await tokens.issue(
        session=session, person=person, settings=ctx.settings, vault=ctx.vault, now=now
    )
    await session.commit()
    return TokenOut(**pair.__dict__)


@router.post("/auth/login")
async def login(body: LoginIn, session: Session, ctx: Context, ip: ClientIP, now: Now) -> TokenOut:
    phone = normalise_phone(body.phone)
    limits = ctx.settings
    ctx.throttle.ensure_allowed(limits.login_limit_per_phone, f"login:phone:{phone}")
    ctx.throttle.ensure_allowed(limits.login_limit_per_ip, f"login:ip:{ip}")
    person = await people.find_by_phone(session=session, phone=phone)
    if not check_password(person.password_hash if person else None, body.password):
        ctx.throttle.hit(limits.login_limit_per_phone, f"login:phone:{phone}")
        ctx.throttle.hit(limits.login_limit_per_ip, f"login:ip:{ip}")
        raise tokens.NotAuthenticated(WRONG_LOGIN)
    assert person is not None
    return await _issue(session, ctx, person, now)


@router.post("/auth/refresh")
async def refresh(body: RefreshIn, session: Session, ctx: Context, now: Now) -> TokenOut:
    pair = await tokens.rotate_refresh(
        session=session, token=body.refresh_token, settings=ctx.settings, vault=ctx.vault, now=now
    )
    await session.commit()  # a detected reuse revokes the family even though we refuse
    if pair is None:
        raise tokens.NotAuthenticated("登录已失效，请重新登录")
    return TokenOut(**pair.__dict__)


@router.post("/auth/logout", status_code=204)
async def logout(body: RefreshIn, session: Session, now: Now) -> Response:
    await tokens.revoke(session=session, token=body.refresh_token, now=now)
    await session.commit()
    return Response(status_code=204)


@router.post("/auth/sms-code", status_code=202)
async def sms_code(
    body: SmsCodeIn, session: Session, ctx: Context, ip: ClientIP, now: Now
) -> dict[str, int]:
    phone = normalise_phone(body.phone)
    ctx.throttle.ensure_allowed(ctx.settings.sms_limit_per_phone, f"sms:phone:{phone}")
    ctx.throttle.ensure_allowed(ctx.settings.sms_limit_per_ip, f"sms:ip:{ip}")
    ctx.throttle.hit(ctx.settings.sms_limit_per_phone, f"sms:phone:{phone}")
    ctx.throttle.hit(ctx.settings.sms_limit_per_ip, f"sms:ip:{ip}")
    ttl = ctx.settings.sms_code_ttl_seconds
    await sms.issue_code(session=session, sender=ctx.sms, phone=phone, now=now, ttl_seconds=ttl)
    await session.commit()
    return {"expires_in": ttl}


async def _person_by_code(
    session: Session, ctx: Context, phone: str, code: str, now: Any
) -> Person:
    ok = await sms.check_code(
        session=session,
        phone=phone,
        code=code,
        now=now,
        max_attempts=ctx.settings.sms_code_max_attempts,
    )
    await session.commit()  # the attempt counts even when the code is wrong
    person = await people.find_by_phone(session=session, phone=phone) if ok else None
    if person is None:
        raise tokens.NotAuthenticated("验证码错误或已过期")
    return person


@router.post("/auth/sms-login")
async def sms_login(
    body: SmsLoginIn, session: Session, ctx: Context, ip: ClientIP, now: Now
) -> TokenOut:
    phone = normalise_phone(body.phone)
    ctx.throttle.ensure_allowed(ctx.settings.login_limit_per_ip, f"login:ip:{ip}")
    person = await _person_by_code(session, ctx, phone, body.code, now)
    return await _issue(session, ctx, person, now)


@router.post("/auth/wechat")
async def wechat_login(body: WechatIn, session: Session, ctx: Context, now: Now) -> TokenOut:
    """Log in by mini-program code; the first time, bind the openid by phone + SMS code."""
    openid = await wechat.code_to_openid(
        client=ctx.http,
        base_url=ctx.settings.wechat_api_base,
        appid=ctx.settings.wechat_appid,
        secret=ctx.settings.wechat_secret.get_secret_value(),
        code=body.code,
    )
    binding = await session.get(WechatBinding, openid)
    if binding is not None:
        person = await people.get_person(session=session, person_id=binding.person_id)
        return await _issue(session, ctx, person, now)
    if body.phone is None or body.sms_code is None:
        raise Conflict("首次微信登录需验证手机号", field="phone", binding_required=True)
    person = await _person_by_code(session, ctx, normalise_phone(body.phone), body.sms_code, now)
    bound = select(WechatBinding.openid).where(WechatBinding.person_id == person.id)
    if await session.scalar(bound) is not None:
        raise Conflict("该手机号已绑定其他微信", field="phone")
    session.add(WechatBinding(openid=openid, person_id=person.id))
    return await _issue(session, ctx, person, now)


@router.get("/.well-known/jwks.json")
async def jwks(session: Session, now: Now) -> dict[str, list[dict[str, Any]]]:
    return await keys.jwks(session=session, now=now)
