"""Images attached to a petition (or to a progress update), stored through kit.storage."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from services.petitions.base import Base


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="size_bytes"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    petition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("petitions.id"), index=True)
    uploader_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    # Staff uploads for a progress update are public only once linked to a public entry.
    uploaded_by_staff: Mapped[bool]
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
