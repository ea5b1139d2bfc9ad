"""The declarative Base (one metadata) every mall area's tables derive from, and mixins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kit.db import new_metadata


class Base(DeclarativeBase):
    """One metadata for the mall database; migrations/env.py loads every area's tables."""

    metadata = new_metadata()


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The text of a CHECK constraint: `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
