"""Partner platforms: /api/identity/partners (root district admins), internal secret lookup."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Header

from services.identity.deps import Context, Now, RootAdmin, Session
from services.identity.partners import api_keys, service
from services.identity.partners.schemas import (
    ApiKeyIn,
    ApiKeyIssuedOut,
    ApiKeyOut,
    PartnerIn,
    PartnerOut,
    PartnerSecretOut,
    PartnerSecretsOut,
    RotatedSecretOut,
    api_key_out,
    partner_out,
)

router = APIRouter(tags=["partners"])
# Not under /api/identity: the gateway proxies only /api/<service>/..., so this is never public.
internal = APIRouter(prefix="/internal", tags=["internal"], include_in_schema=False)


@router.post("/partners", status_code=201)
async def register(
    body: PartnerIn, _: RootAdmin, session: Session, ctx: Context
) -> PartnerSecretOut:
    partner, secret = await service.register(session=session, name=body.name, vault=ctx.vault)
    return PartnerSecretOut(partner_id=partner.id, name=partner.name, secret=secret)


@router.get("/partners")
async def list_partners(_: RootAdmin, session: Session) -> list[PartnerOut]:
    return [partner_out(p) for p in await service.list_all(session=session)]


@router.post("/partners/{partner_id}/rotate-secret")
async def rotate_secret(
    partner_id: str, _: RootAdmin, session: Session, ctx: Context, now: Now
) -> RotatedSecretOut:
    partner = await service.get(session=session, partner_id=partner_id)
    grace = timedelta(hours=ctx.settings.partner_secret_grace_hours)
    secret = await service.rotate_secret(
        session=session, partner=partner, vault=ctx.vault, now=now, grace=grace
    )
    return RotatedSecretOut(
        partner_id=partner.id, name=partner.name, secret=secret, previous_valid_until=now + grace
    )


@router.post("/partners/{partner_id}/disable")
async def disable(partner_id: str, _: RootAdmin, session: Session, now: Now) -> PartnerOut:
    partner = await service.get(session=session, partner_id=partner_id)
    await service.disable(session=session, partner=partner, now=now)
    return partner_out(partner)


@router.post("/partners/{partner_id}/api-keys", status_code=201)
async def issue_api_key(
    partner_id: str, body: ApiKeyIn, _: RootAdmin, session: Session, now: Now
) -> ApiKeyIssuedOut:
    """An Open311 API key for the partner, shown once (identity keeps only its SHA-256)."""
    partner = await service.get(session=session, partner_id=partner_id)
    row, key = await api_keys.issue(session=session, partner=partner, name=body.name, now=now)
    return ApiKeyIssuedOut(**api_key_out(row).model_dump(), api_key=key)


@router.get("/partners/{partner_id}/api-keys")
async def list_api_keys(partner_id: str, _: RootAdmin, session: Session) -> list[ApiKeyOut]:
    partner = await service.get(session=session, partner_id=partner_id)
    return [api_key_out(r) for r in await api_keys.of_partner(session=session, partner=partner)]


@router.post("/partners/{partner_id}/api-keys/{key_id}/revoke")
async def revoke_api_key(
    partner_id: str, key_id: uuid.UUID, _: RootAdmin, session: Session, now: Now
) -> ApiKeyOut:
    partner = await service.get(session=session, partner_id=partner_id)
    row = await api_keys.revoke(session=session, partner=partner, key_id=key_id, now=now)
    return api_key_out(row)


@internal.get("/partners/{partner_id}/secrets")
async def partner_secrets(
    partner_id: str,
    session: Session,
    ctx: Context,
    now: Now,
    x_internal_token: Annotated[str, Header()] = "",
) -> PartnerSecretsOut:
    """For the gateway's webhook check: the secrets valid now (empty when disabled)."""
    partner, valid = await service.secrets_for_gateway(
        session=session,
        partner_id=partner_id,
        presented_token=x_internal_token,
        expected_token=ctx.settings.internal_api_token.get_secret_value(),
        vault=ctx.vault,
        now=now,
    )
    return PartnerSecretsOut(
        partner_id=partner.id, enabled=partner.disabled_at is None, secrets=valid
    )
