"""The org tree's service functions: read, create and rename units; the root at start-up."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.errors import Conflict, Forbidden, Invalid, NotFound
from services.identity.org.models import OrgUnit
from services.identity.org.rules import child_path, fits_under, may_create


def under(path: str) -> object:
    """SQL condition: this unit's path or anything below it."""
    return or_(OrgUnit.path == path, OrgUnit.path.like(f"{path}/%"))


async def get_unit(*, session: AsyncSession, unit_id: uuid.UUID, field: str = "id") -> OrgUnit:
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("组织单位不存在", field=field)
    return unit


async def get_community(*, session: AsyncSession, unit_id: uuid.UUID, field: str) -> OrgUnit:
    """The unit, which must be a community; unknown ids are a 422 on the given field."""
    unit = await session.get(OrgUnit, unit_id)
    if unit is None or unit.kind != "community":
        raise Invalid("社区不存在", field=field)
    return unit


async def create_unit(
    *,
    session: AsyncSession,
    principal: Principal,
    kind: str,
    code: str,
    name: str,
    parent_id: uuid.UUID | None,
) -> OrgUnit:
    parent = await session.get(OrgUnit, parent_id) if parent_id else None
    if parent_id is not None and parent is None:
        raise Invalid("上级单位不存在", field="parent_id")
    if not fits_under(kind, parent.kind if parent else None):
        raise Invalid(f"{kind} 的上级单位类型不正确", field="parent_id")
    if not may_create(principal, kind, parent):
        raise Forbidden("无权在该单位下创建组织")
    unit = await insert_unit(session=session, kind=kind, code=code, name=name, parent=parent)
    await session.commit()
    return unit


async def insert_unit(
    *, session: AsyncSession, kind: str, code: str, name: str, parent: OrgUnit | None
) -> OrgUnit:
    unit_id = uuid.uuid4()
    unit = OrgUnit(
        id=unit_id,
        kind=kind,
        code=code,
        name=name,
        parent_id=parent.id if parent else None,
        path=child_path(parent, unit_id),
        depth=(parent.depth + 1) if parent else 0,
    )
    session.add(unit)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict("组织代码已存在", field="code") from None
    return unit


async def update_unit(
    *,
    session: AsyncSession,
    principal: Principal,
    unit_id: uuid.UUID,
    code: str | None,
    name: str | None,
) -> OrgUnit:
    """District admins rename or recode units below them (paths are ids, so they stay)."""
    unit = await get_unit(session=session, unit_id=unit_id)
    if not principal.can_act_on(unit.path, "district_admin"):
        raise Forbidden("无权修改该组织")
    unit.name = name or unit.name
    unit.code = code or unit.code
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise Conflict("组织代码已存在", field="code") from None
    await session.commit()
    return unit


async def list_units(
    *, session: AsyncSession, parent_id: uuid.UUID | None, kind: str | None
) -> list[OrgUnit]:
    query = select(OrgUnit).order_by(OrgUnit.depth, OrgUnit.code)
    if parent_id is not None:
        query = query.where(OrgUnit.parent_id == parent_id)
    if kind is not None:
        query = query.where(OrgUnit.kind == kind)
    return list(await session.scalars(query))


async def ensure_root(*, session: AsyncSession, code: str, name: str) -> OrgUnit:
    root = await session.scalar(select(OrgUnit).where(OrgUnit.kind == "district").limit(1))
    if root is not None:
        return root
    return await insert_unit(session=session, kind="district", code=code, name=name, parent=None)
