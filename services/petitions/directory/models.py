"""What petitions knows of identity, learned from its events: units, residents, staff grants."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from services.petitions.base import Base, Timestamps


class Unit(Timestamps, Base):
    """An org unit seen in some path; `is_community` once a resident's event named it so."""

    __tablename__ = "units"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    path: Mapped[str] = mapped_column(String(512), index=True)
    is_community: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class Resident(Timestamps, Base):
    __tablename__ = "residents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(String(32))
    verified: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class StaffGrant(Timestamps, Base):
    """A staff role held on a unit: who may be assigned a petition, and where."""

    __tablename__ = "staff_grants"

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    unit_path: Mapped[str] = mapped_column(String(512))
