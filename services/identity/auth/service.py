"""Login flows: password, SMS code, WeChat; refresh, logout and signing key rotation."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Conflict, Forbidden, Invalid
from kit.phone import normalise_phone
from services.identity.auth import keys, sms, tokens, wechat
from services.identity.auth.models import WechatBinding
from services.identity.auth.passwords import check_password, hash_password
from services.identity.auth.rules import (
    ACCOUNT_DISABLED,
    SESSION_ENDED,
    WRONG_CODE,
    WRONG_LOGIN,
    NotAuthenticated,
)
from services.identity.auth.tokens import TokenPair
from services.identity.deps import IdentityContext
from services.identity.people import service as people
from services.identity.people.models import Person


async def login(
    *,
    session: AsyncSession,
    ctx: IdentityContext,
    phone: str,
    password: str,
    ip: str,
    now: datetime,
) -> TokenPair:
    """A token pair for the right password; each failure counts per (phone, IP), phone and IP."""
    phone = normalise_phone(phone)
    windows = _login_windows(ctx, phone, ip)
    for limits, key in windows:
        ctx.throttle.ensure_allowed(limits, key)
    person = await people.find_by_phone(session=session, phone=phone)
    # An unknown phone is checked against a dummy hash: as slow as a wrong password.
    if not await check_password(person.password_hash if person else None, password):
        for limits, key in windows:
            ctx.throttle.hit(limits, key)
        raise NotAuthenticated(WRONG_LOGIN)
    assert person is not None
    return await _issue(session, ctx, person, now)


def _login_windows(ctx: IdentityContext, phone: str, ip: str) -> list[tuple[str, str]]:
    """The password-login throttle windows: (phone, IP) tight, phone slow, IP for spraying."""
    limits = ctx.settings
    return [
        (limits.login_limit_per_phone_ip, f"login:phone-ip:{phone}:{ip}"),
        (limits.login_limit_per_phone, f"login:phone:{phone}"),
        (limits.login_limit_per_ip, f"login:ip:{ip}"),
    ]


async def member_code(
    *, session: AsyncSession, ctx: IdentityContext, person_id: uuid.UUID, now: datetime
) -> tokens.IssuedMemberCode:
    person = await people.get_person(session=session, person_id=person_id)
    issued = await tokens.issue_member_code(
        session=session, person=person, settings=ctx.settings, vault=ctx.vault, now=now
    )
    await session.commit()  # the first signature on an empty key table creates the key
    return issued


async def refresh(
    *, session: AsyncSession, ctx: IdentityContext, token: str, now: datetime
) -> TokenPair:
    pair = await tokens.rotate_refresh(
        session=session, token=token, settings=ctx.settings, vault=ctx.vault, now=now
    )
    await session.commit()  # a detected reuse revokes the family even though we refuse
    if pair is None:
        raise NotAuthenticated(SESSION_ENDED)
    return pair


async def logout(*, session: AsyncSession, token: str, now: datetime) -> None:
    await tokens.revoke(session=session, token=token, now=now)
    await session.commit()


async def send_sms_code(
    *, session: AsyncSession, ctx: IdentityContext, phone: str, ip: str, now: datetime
) -> int:
    """Send a login code (throttled per phone and per IP); its lifetime in seconds."""
    phone = normalise_phone(phone)
    limits = ctx.settings
    ctx.throttle.ensure_allowed(limits.sms_limit_per_phone, f"sms:phone:{phone}")
    ctx.throttle.ensure_allowed(limits.sms_limit_per_ip, f"sms:ip:{ip}")
    ctx.throttle.hit(limits.sms_limit_per_phone, f"sms:phone:{phone}")
    ctx.throttle.hit(limits.sms_limit_per_ip, f"sms:ip:{ip}")
    ttl = limits.sms_code_ttl_seconds
    await sms.issue_code(session=session, sender=ctx.sms, phone=phone, now=now, ttl_seconds=ttl)
    await session.commit()
    return ttl


async def sms_login(
    *, session: AsyncSession, ctx: IdentityContext, phone: str, code: str, ip: str, now: datetime
) -> TokenPair:
    phone = normalise_phone(phone)
    ctx.throttle.ensure_allowed(ctx.settings.login_limit_per_ip, f"login:ip:{ip}")
    person = await _person_by_code(session, ctx, phone, code, now)
    return await _issue(session, ctx, person, now)


async def wechat_login(
    *,
    session: AsyncSession,
    ctx: IdentityContext,
    code: str,
    phone: str | None,
    sms_code: str | None,
    now: datetime,
) -> TokenPair:
    """Log in by mini-program code; the first time, bind the openid by phone + SMS code."""
    openid = await wechat.code_to_openid(
        client=ctx.http,
        base_url=ctx.settings.wechat_api_base,
        appid=ctx.settings.wechat_appid,
        secret=ctx.settings.wechat_secret.get_secret_value(),
        code=code,
    )
    binding = await session.get(WechatBinding, openid)
    if binding is not None:
        person = await people.get_person(session=session, person_id=binding.person_id)
        return await _issue(session, ctx, person, now)
    if phone is None or sms_code is None:
        raise Conflict("首次微信登录需验证手机号", field="phone", binding_required=True)
    person = await _person_by_code(session, ctx, normalise_phone(phone), sms_code, now)
    bound = select(WechatBinding.openid).where(WechatBinding.person_id == person.id)
    if await session.scalar(bound) is not None:
        raise Conflict("该手机号已绑定其他微信", field="phone")
    session.add(WechatBinding(openid=openid, person_id=person.id))
    return await _issue(session, ctx, person, now)


async def change_password(
    *,
    session: AsyncSession,
    ctx: IdentityContext,
    person: Person,
    current_password: str | None,
    new_password: str,
    keep_session: uuid.UUID | None,
    now: datetime,
) -> None:
    """Set a new password if the current one is right; every other login session ends.

    Not committed here: the caller commits it together with the rest of the profile change.
    """
    if current_password is None:
        raise Invalid("修改密码需要输入当前密码", field="current_password")
    key = f"password-change:{person.id}"
    ctx.throttle.ensure_allowed(ctx.settings.login_limit_per_phone_ip, key)
    if not await check_password(person.password_hash, current_password):
        ctx.throttle.hit(ctx.settings.login_limit_per_phone_ip, key)
        raise Forbidden("当前密码不正确", field="current_password")
    person.password_hash = await hash_password(new_password)
    await tokens.revoke_other_families(
        session=session, person_id=person.id, keep=keep_session, now=now
    )


async def rotate_signing_key(*, session: AsyncSession, ctx: IdentityContext, now: datetime) -> str:
    """Publish a new signing key; it signs after the activation delay, the old one retires."""
    kid = await keys.rotate(session=session, vault=ctx.vault, now=now)
    await session.commit()
    return kid


async def _issue(
    session: AsyncSession, ctx: IdentityContext, person: Person, now: datetime
) -> TokenPair:
    # Said only to someone who proved the password or code: the account exists and is off.
    if person.disabled_at is not None:
        raise Forbidden(ACCOUNT_DISABLED)
    pair = await tokens.issue(
        session=session, person=person, settings=ctx.settings, vault=ctx.vault, now=now
    )
    await session.commit()
    return pair


async def _person_by_code(
    session: AsyncSession, ctx: IdentityContext, phone: str, code: str, now: datetime
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
        raise NotAuthenticated(WRONG_CODE)
    return person
