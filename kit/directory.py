"""Org units as a service keeps them from identity's events: a `units` table of (id, path,
is_community) in the service's own database, and the staff scope checks built on it.

Each service owns its table (its own model, passed in); the rules are written once here.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.deps import StaffScope
from kit.errors import NotFound
from kit.paths import ancestors


async def remember_path(
    session: AsyncSession, units: type[Any], path: str, *, community: bool = False
) -> None:
    """Every unit along `path` (ancestors included); the last is a community if told so."""
    chain = ancestors(path)
    for index, (unit_id, unit_path) in enumerate(chain):
        is_community = community and index == len(chain) - 1
        stmt = pg_insert(units).values(id=unit_id, path=unit_path, is_community=is_community)
        set_: dict[str, object] = {"path": unit_path}
        if is_community:
            set_["is_community"] = True
        await session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=set_))


async def path_of(session: AsyncSession, units: type[Any], unit_id: uuid.UUID) -> str | None:
    unit = await session.get(units, unit_id)
    return None if unit is None else str(unit.path)


async def covered_path(
    session: AsyncSession,
    units: type[Any],
    scope: StaffScope,
    unit_id: uuid.UUID,
    *,
    detail: str,
    field: str | None = None,
) -> str:
    """The unit's path if the staff member's grants cover it; 404 otherwise (no leak)."""
    path = await path_of(session, units, unit_id)
    if path is None:
        # Before any event named it, a grant on the unit itself still counts.
        suffix = f"/{unit_id}"
        path = next((p for p in scope.unit_paths if p.endswith(suffix)), None)
    if path is None or not scope.covers(path):
        raise NotFound(detail, field=field)
    return path
