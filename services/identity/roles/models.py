"""The staff role grants table: a person holds a role on an org unit until revoked."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from services.identity.base import Base, Timestamps, one_of

STAFF_ROLES = (
    "district_admin",
    "community_admin",
    "community_staff",
    "grid_worker",
    "counter_operator",
)


class StaffRole(Timestamps, Base):
    __tablename__ = "staff_roles"
    __table_args__ = (
        CheckConstraint(one_of("role", STAFF_ROLES), name="role"),
        Index(
            "uq_staff_roles_active",
            "person_id",
            "role",
            "unit_id",
            unique=True,
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))
    granted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
