"""Open311 tables: partners' API keys (a projection of identity's events) and what a partner
sent with a request that a petition has no column for."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.petitions.base import Base, Timestamps


class PartnerKey(Timestamps, Base):
    """A partner's Open311 API key as identity announced it: its SHA-256, never the key."""

    __tablename__ = "partner_api_keys"

    key_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(64), index=True)
    partner_name: Mapped[str] = mapped_column(String(64))
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Open311Request(Base):
    """Extras of a petition raised through Open311. The partner's end user's phone, email and
    names are not kept: the partner is the author, and we need no way to reach its users."""

    __tablename__ = "open311_requests"

    petition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("petitions.id"), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(64), index=True)
    media_url: Mapped[str | None] = mapped_column(String(500))
    device_id: Mapped[str | None] = mapped_column(String(64))
    account_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
