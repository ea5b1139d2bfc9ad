"""Who reads which community's catalog: covering staff everything, residents their own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from kit.auth import Principal
from kit.errors import NotFound
from services.mall.deps import OPERATORS
from services.mall.directory.service import community_path

NO_COMMUNITY = "社区不存在或无权访问"


@dataclass(frozen=True)
class Reader:
    """A caller reading one community: `staff` when an operator role covers it."""

    community_id: uuid.UUID
    staff: bool


def covers(principal: Principal, path: str) -> bool:
    return principal.can_act_on(path, *OPERATORS)


def staff_paths(principal: Principal) -> tuple[str, ...]:
    return tuple(g.unit_path for g in principal.roles if g.role in OPERATORS)


def within(column: InstrumentedAttribute[str], paths: tuple[str, ...]) -> ColumnElement[bool]:
    """Rows whose community path is one of `paths` or below one of them."""
    if not paths:
        return false()
    return or_(*(or_(column == p, column.like(p.rstrip("/") + "/%")) for p in paths))


async def reader(
    session: AsyncSession, principal: Principal, community_id: uuid.UUID, *, field: str
) -> Reader:
    """Covering staff, or a person of that community; the same 404 for anyone else."""
    path = await community_path(session, community_id)
    if path is not None and covers(principal, path):
        return Reader(community_id, staff=True)
    if principal.community_id == str(community_id):
        return Reader(community_id, staff=False)
    raise NotFound(NO_COMMUNITY, field=field)
