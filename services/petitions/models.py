"""SQLAlchemy tables of the petitions service (the kit's outbox and inbox live in kit.tables)."""

from sqlalchemy.orm import DeclarativeBase

from kit.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
