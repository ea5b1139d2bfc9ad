"""The households table (membership is `persons.household_id`) and invitations to join one."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from services.identity.base import Base, Timestamps, one_of

INVITATION_STATES = ("pending", "accepted", "declined")


class Household(Timestamps, Base):
    __tablename__ = "households"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    head_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    address: Mapped[str | None] = mapped_column(String(200))


class HouseholdInvitation(Timestamps, Base):
    """The head asks a resident to join; they join only when they accept (their consent)."""

    __tablename__ = "household_invitations"
    __table_args__ = (
        CheckConstraint(one_of("status", INVITATION_STATES), name="status"),
        Index(
            "uq_household_invitations_pending",
            "household_id",
            "person_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    invited_by: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(16), server_default=text("'pending'"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
