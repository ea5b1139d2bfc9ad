"""Categories of a community: staff of the community (or above) keep them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.deps import StaffScope
from kit.errors import Conflict, Invalid, NotFound
from services.petitions.categories.models import Category
from services.petitions.categories.schemas import CategoryCreate, CategoryUpdate
from services.petitions.directory import service as directory

NOT_FOUND = "类别不存在或无权访问"


async def _check_assignees(
    session: AsyncSession, body: CategoryCreate | CategoryUpdate, community_path: str
) -> None:
    if body.default_assignee_id is not None and not await directory.is_staff_of(
        session, body.default_assignee_id, community_path
    ):
        raise Invalid("不是该社区的工作人员", field="default_assignee_id")
    if body.default_assignee_unit_id is not None and not await directory.unit_in(
        session, body.default_assignee_unit_id, community_path
    ):
        raise Invalid("不是该社区的网格", field="default_assignee_unit_id")


async def create(*, session: AsyncSession, body: CategoryCreate, community_path: str) -> Category:
    await _check_assignees(session, body, community_path)
    category = Category(**body.model_dump(mode="python", exclude={"attributes"}))
    category.attributes = [a.model_dump(mode="json") for a in body.attributes]
    session.add(category)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("该社区已有同名或同代码的类别", field="service_code") from None
    return category


async def of_community(*, session: AsyncSession, community_id: uuid.UUID) -> list[Category]:
    rows = await session.scalars(
        select(Category)
        .where(Category.community_id == community_id, Category.active)
        .order_by(Category.name)
    )
    return list(rows)


async def for_petition(
    *, session: AsyncSession, category_id: uuid.UUID, community_id: uuid.UUID, field: str
) -> Category:
    """An active category of the community, or Invalid naming `field`."""
    category = await session.get(Category, category_id)
    if category is None or category.community_id != community_id or not category.active:
        raise Invalid("该社区没有这个类别", field=field)
    return category


async def get(*, session: AsyncSession, category_id: uuid.UUID) -> Category:
    category = await session.get(Category, category_id)
    if category is None:
        raise NotFound(NOT_FOUND)
    return category


async def update(
    *, session: AsyncSession, category: Category, body: CategoryUpdate, community_path: str
) -> Category:
    """Apply the fields the body sets (an explicit null clears a default assignee)."""
    await _check_assignees(session, body, community_path)
    changes = body.model_dump(mode="python", exclude_unset=True, exclude={"attributes"})
    for name in ("name", "description", "accept_within_hours", "resolve_within_days", "active"):
        if name in changes and changes[name] is None:
            raise Invalid("不能为空", field=name)
    for name, value in changes.items():
        setattr(category, name, value)
    if body.attributes is not None:
        category.attributes = [a.model_dump(mode="json") for a in body.attributes]
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict("该社区已有同名的类别", field="name") from None
    return category


async def for_staff(
    *, session: AsyncSession, scope: StaffScope, category_id: uuid.UUID
) -> tuple[Category, str]:
    """The category and its community's path if the staff member covers it; else the same 404
    a missing id gets."""
    category = await session.get(Category, category_id)
    if category is None:
        raise NotFound(NOT_FOUND)
    try:
        path = await directory.covered_community(session, scope, category.community_id)
    except NotFound:
        raise NotFound(NOT_FOUND) from None
    return category, path
