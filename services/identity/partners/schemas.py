"""Request and response models of partner platforms."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from kit.schemas import In
from services.identity.partners.models import Partner, PartnerApiKey


class PartnerIn(In):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class PartnerOut(BaseModel):
    partner_id: str
    name: str
    enabled: bool
    created_at: datetime


class PartnerSecretOut(BaseModel):
    partner_id: str
    name: str
    secret: str = Field(description="shown once; store it now")


class RotatedSecretOut(PartnerSecretOut):
    previous_valid_until: datetime = Field(
        description="the secret it replaces still verifies signatures until then (grace)"
    )


class PartnerSecretsOut(BaseModel):
    partner_id: str
    enabled: bool
    secrets: list[str]


class ApiKeyIn(In):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] | None
    ) = None


class ApiKeyOut(BaseModel):
    key_id: uuid.UUID
    partner_id: str
    name: str | None
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyIssuedOut(ApiKeyOut):
    api_key: str = Field(description="shown once; identity keeps only its SHA-256")


def api_key_out(row: PartnerApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        key_id=row.id,
        partner_id=row.partner_id,
        name=row.name,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def partner_out(partner: Partner) -> PartnerOut:
    return PartnerOut(
        partner_id=partner.id,
        name=partner.name,
        enabled=partner.disabled_at is None,
        created_at=partner.created_at,
    )
