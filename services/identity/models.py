"""SQLAlchemy tables of the identity service: org units, people, households, staff roles."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kit.db import new_metadata

UNIT_KINDS = ("district", "town", "community", "grid")
VERIFICATION_STATES = ("unverified", "pending", "verified", "rejected")
STAFF_ROLES = (
    "district_admin",
    "community_admin",
    "community_staff",
    "grid_worker",
    "counter_operator",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = new_metadata()


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class OrgUnit(Timestamps, Base):
    """district → town (镇/街道) → community (社区/村) → grid (网格)."""

    __tablename__ = "org_units"
    __table_args__ = (
        CheckConstraint(_in("kind", UNIT_KINDS), name="kind"),
        CheckConstraint("(kind = 'district') = (parent_id IS NULL)", name="root_is_district"),
        # text_pattern_ops lets "this unit or below" (path LIKE '/a/b/%') use the index.
        Index("ix_org_units_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))
    path: Mapped[str] = mapped_column(Text, unique=True)
    depth: Mapped[int] = mapped_column(Integer)


class Person(Timestamps, Base):
    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint(_in("verification_status", VERIFICATION_STATES), name="verification"),
        CheckConstraint(
            "verification_status NOT IN ('pending', 'verified') OR id_number_hash IS NOT NULL",
            name="verified_has_id",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str | None] = mapped_column(Text)
    community_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    grid_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("org_units.id"))
    household_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("households.id", use_alter=True), index=True
    )
    verification_status: Mapped[str] = mapped_column(
        String(16), server_default=text("'unverified'")
    )
    rejection_reason: Mapped[str | None] = mapped_column(String(200))
    real_name: Mapped[str | None] = mapped_column(String(32))
    id_number_enc: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str | None] = mapped_column(String(18))
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Household(Timestamps, Base):
    __tablename__ = "households"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    head_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    address: Mapped[str | None] = mapped_column(String(200))


class StaffRole(Timestamps, Base):
    __tablename__ = "staff_roles"
    __table_args__ = (
        CheckConstraint(_in("role", STAFF_ROLES), name="role"),
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


from services.identity import models_auth  # noqa: E402,F401  (registers the auth tables)
