"""Request and response models of partner platforms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from kit.schemas import In
from services.identity.partners.models import Partner


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


class PartnerSecretsOut(BaseModel):
    partner_id: str
    enabled: bool
    secrets: list[str]


def partner_out(partner: Partner) -> PartnerOut:
    return PartnerOut(
        partner_id=partner.id,
        name=partner.name,
        enabled=partner.disabled_at is None,
        created_at=partner.created_at,
    )
