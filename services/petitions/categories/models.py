"""A community's petition categories: deadlines, default assignee, Open311 service code."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Integer, String, UniqueConstraint, Uuid, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from services.petitions.base import Base, Timestamps


class Category(Timestamps, Base):
    __tablename__ = "categories"
    __table_args__ = (
        UniqueConstraint("community_id", "service_code", name="uq_categories_service_code"),
        UniqueConstraint("community_id", "name", name="uq_categories_name"),
        CheckConstraint("accept_within_hours > 0", name="accept_within_hours"),
        CheckConstraint("resolve_within_days > 0", name="resolve_within_days"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    community_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    name: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(500), server_default=text("''"))
    # Open311 service_code, unique within the community (the Open311 jurisdiction).
    service_code: Mapped[str] = mapped_column(String(64))
    # suggestion categories (意见建议) are the ones staff may adopt.
    kind: Mapped[str] = mapped_column(String(16), server_default=text("'demand'"))
    accept_within_hours: Mapped[int] = mapped_column(Integer)
    resolve_within_days: Mapped[int] = mapped_column(Integer)
    # Default assignee: a staff member, or a unit (a grid) whose workers see it.
    default_assignee_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    default_assignee_unit_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Open311 attribute definitions: [{code, datatype, required, description, order, values}]
    attributes: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=text("'[]'"))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
