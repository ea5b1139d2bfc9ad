"""The persons table: residents and staff alike, with their real-name verification."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from services.identity.base import Base, Timestamps, one_of

VERIFICATION_STATES = ("unverified", "pending", "verified", "rejected")


class Person(Timestamps, Base):
    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint(one_of("verification_status", VERIFICATION_STATES), name="verification"),
        CheckConstraint(
            "verification_status NOT IN ('pending', 'verified') OR id_number_hash IS NOT NULL",
            name="verified_has_id",
        ),
        CheckConstraint(
            "disabled_at IS NULL OR disabled_reason IS NOT NULL", name="disabled_has_reason"
        ),
        # One verified account per ID number. Pending ones may share it: a taken number is
        # accepted like any other (no probing whose it is) and staff see the conflict.
        Index(
            "uq_persons_id_number_verified",
            "id_number_hash",
            unique=True,
            postgresql_where=text("verification_status = 'verified'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str | None] = mapped_column(Text)
    community_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    grid_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))
    # households.head_id points back here: the two tables form a cycle, hence use_alter.
    household_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("households.id", use_alter=True), index=True
    )
    verification_status: Mapped[str] = mapped_column(
        String(16), server_default=text("'unverified'")
    )
    rejection_reason: Mapped[str | None] = mapped_column(String(200))
    real_name: Mapped[str | None] = mapped_column(String(32))
    id_number_enc: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # A disabled account cannot log in, and its tokens are refused everywhere within seconds.
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    disabled_reason: Mapped[str | None] = mapped_column(String(200))
