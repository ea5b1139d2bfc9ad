"""What notices knows of identity, learned from its events: units by path, residents."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from services.notices.base import Base, Timestamps


class Unit(Timestamps, Base):
    """An org unit seen in some path; `is_community` once a resident's event named it so."""

    __tablename__ = "units"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    path: Mapped[str] = mapped_column(String(512), index=True)
    is_community: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class Resident(Timestamps, Base):
    """A resident where they live: scope of notices, receipts by household, inbox fan-out."""

    __tablename__ = "residents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    community_path: Mapped[str] = mapped_column(String(512))
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # The grid (网格) they placed themselves in, if any: receipts by grid, grid workers' view.
    grid_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(String(32))
    verified: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
