"""The households table; membership is `persons.household_id`."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.identity.base import Base, Timestamps


class Household(Timestamps, Base):
    __tablename__ = "households"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"), index=True)
    head_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    address: Mapped[str | None] = mapped_column(String(200))
