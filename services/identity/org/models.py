"""The org tree's table: units with a materialised path of ids."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from services.identity.base import Base, Timestamps, one_of

UNIT_KINDS = ("district", "town", "community", "grid")


class OrgUnit(Timestamps, Base):
    """district → town (镇/街道) → community (社区/村) → grid (网格)."""

    __tablename__ = "org_units"
    __table_args__ = (
        CheckConstraint(one_of("kind", UNIT_KINDS), name="kind"),
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
