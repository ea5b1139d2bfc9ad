"""Identity's facts as the mall keeps them: units by path, and residents who may redeem."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from services.mall.base import Base, Timestamps


class Unit(Timestamps, Base):
    """An org unit seen in some path; `is_community` once a resident's event named it so."""

    __tablename__ = "units"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    path: Mapped[str] = mapped_column(String(512), index=True)
    is_community: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))


class Resident(Timestamps, Base):
    """A registered resident. `phone_hash` and `counter_check` (keyed hashes, never the phone
    or ID number) let a counter operator find a resident by phone + last 4 of the ID."""

    __tablename__ = "residents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(String(32))
    verified: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    counter_check: Mapped[str | None] = mapped_column(String(64), index=True)
