"""Tables of the points list: versions of each community's list, and its policy settings."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.points.base import Base


class CommunitySettings(Base):
    __tablename__ = "community_settings"
    __table_args__ = (
        # The expiry job starts from the few communities with a policy.
        Index(
            "ix_community_settings_expiring",
            "community_id",
            postgresql_where=text("expiry_years IS NOT NULL"),
        ),
    )

    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # The community's org path, learnt from identity's events: staff scope checks use it.
    path: Mapped[str | None] = mapped_column(Text)
    publicity_days: Mapped[int] = mapped_column(Integer, server_default=text("3"))
    verified_only_spend: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    expiry_years: Mapped[int | None] = mapped_column(Integer)


class RuleVersion(Base):
    __tablename__ = "rule_versions"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published')", name="status"),
        UniqueConstraint("community_id", "version", name="uq_rule_versions_number"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), server_default=text("'draft'"))
    effective_from: Mapped[date | None] = mapped_column(Date)
    items: Mapped[list[dict[str, object]]] = mapped_column(JSONB)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
