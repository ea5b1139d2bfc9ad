"""Categories of a community: staff of the community (or above) keep them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from kit.errors import Conflict, Invalid, NotFound
from services.petitions.categories.models import Category
from services.petitions.categories.schemas import CategoryCreate
from services.petitions.directory import service as directory


async def create(*, session: AsyncSession, body: CategoryCreate, community_path: str) -> Category:
    if body.default_assignee_id is not None and not await directory.is_staff_of(
        session, body.default_assignee_id, community_path
    ):
        raise Invalid("不是该社区的工作人员", field="default_assignee_id")
    if body.default_assignee_unit_id is not None and not await directory.unit_in(
        session, body.default_assignee_unit_id, community_path
    ):
        raise Invalid("不是该社区的网格", field="default_assignee_unit_id")
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
        raise NotFound("类别不存在")
    return category
