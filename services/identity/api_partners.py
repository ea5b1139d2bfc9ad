"""Partner platforms: /api/identity/partners (district admins), and the internal secret lookup."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header

from kit.errors import NotFound
from services.identity import partners
from services.identity.deps import Context, DistrictAdmin, Now, Session
from services.identity.models_auth import Partner
from services.identity.schemas import PartnerIn, PartnerOut, PartnerSecretOut, PartnerSecretsOut
from services.identity.tokens import NotAuthenticated
from services.identity.views import partner_out

router = APIRouter(tags=["partners"])
# Not under /api/identity: the gateway proxies only /api/<service>/..., so this is never public.
internal = APIRouter(prefix="/internal", tags=["internal"], include_in_schema=False)


@router.post("/partners", status_code=201)
async def register(
    body: PartnerIn, _: DistrictAdmin, session: Session, ctx: Context
) -> PartnerSecretOut:
    partner, secret = await partners.register(session=session, name=body.name, vault=ctx.vault)
    await session.commit()
    return PartnerSecretOut(partner_id=partner.id, name=partner.name, secret=secret)


@router.get("/partners")
async def list_partners(_: DistrictAdmin, session: Session) -> list[PartnerOut]:
    return [partner_out(p) for p in await partners.list_all(session=session)]


@router.post("/partners/{partner_id}/rotate-secret")
async def rotate_secret(
    partner_id: str, _: DistrictAdmin, session: Session, ctx: Context, now: Now
) -> PartnerSecretOut:
    partner = await partners.get(session=session, partner_id=partner_id)
    grace = timedelta(hours=ctx.settings.partner_secret_grace_hours)
    secret = await partners.rotate_secret(
        session=session, partner=partner, vault=ctx.vault, now=now, grace=grace
    )
    await session.commit()
    return PartnerSecretOut(partner_id=partner.id, name=partner.name, secret=secret)


@router.post("/partners/{partner_id}/disable")
async def disable(partner_id: str, _: DistrictAdmin, session: Session, now: Now) -> PartnerOut:
    partner = await partners.get(session=session, partner_id=partner_id)
    await partners.disable(session=session, partner=partner, now=now)
    await session.commit()
    return partner_out(partner)


@internal.get("/partners/{partner_id}/secrets")
async def partner_secrets(
    partner_id: str,
    session: Session,
    ctx: Context,
    now: Now,
    x_internal_token: Annotated[str, Header()] = "",
) -> PartnerSecretsOut:
    """For the gateway's webhook check: the secrets valid now (empty when disabled)."""
    expected = ctx.settings.internal_api_token.get_secret_value()
    if not secrets.compare_digest(x_internal_token.encode(), expected.encode()):
        raise NotAuthenticated("内部接口需要服务凭证")
    partner = await session.get(Partner, partner_id)
    if partner is None:
        raise NotFound("合作平台不存在")
    valid = await partners.valid_secrets(session=session, partner=partner, vault=ctx.vault, now=now)
    return PartnerSecretsOut(
        partner_id=partner.id, enabled=partner.disabled_at is None, secrets=valid
    )
