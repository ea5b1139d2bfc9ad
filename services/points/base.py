"""What every area of the points service shares: the declarative Base (one MetaData for the
whole database, so Alembic sees every area's tables) and the local time zone.

Each area's models.py imports `Base` from here and nothing imports the areas back, so the
areas' tables never import each other to be registered; migrations/env.py imports them all.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import DeclarativeBase

from kit.db import new_metadata

# Display and calendar time zone: days, months and years of facts are counted in it.
LOCAL = ZoneInfo("Asia/Shanghai")


class Base(DeclarativeBase):
    metadata = new_metadata()


def one_of(column: str, values: tuple[str, ...]) -> str:
    """The SQL of a CHECK that `column` holds one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
