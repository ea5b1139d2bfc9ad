"""Categories: GET/POST /api/petitions/categories, PATCH /api/petitions/categories/{id}."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from kit.deps import CurrentPrincipal, StaffScope
from services.petitions.categories import service
from services.petitions.categories.schemas import (
    CategoryCreate,
    CategoryList,
    CategoryOut,
    CategoryUpdate,
)
from services.petitions.deps import PetitionManager, Session
from services.petitions.directory import service as directory

router = APIRouter(tags=["categories"])


@router.get("/categories")
async def list_categories(
    community_id: uuid.UUID, principal: CurrentPrincipal, session: Session
) -> CategoryList:
    """The community's categories, for its residents (to raise a matter) and its staff."""
    if principal.community_id != str(community_id):
        await directory.covered_community(session, StaffScope(principal, ()), community_id)
    rows = await service.of_community(session=session, community_id=community_id)
    return CategoryList(items=[CategoryOut.model_validate(c) for c in rows])


@router.post("/categories", status_code=201)
async def create_category(
    body: CategoryCreate, scope: PetitionManager, session: Session
) -> CategoryOut:
    path = await directory.covered_community(session, scope, body.community_id)
    category = await service.create(session=session, body=body, community_path=path)
    await session.commit()
    return CategoryOut.model_validate(category)


@router.patch("/categories/{category_id}")
async def update_category(
    category_id: uuid.UUID, body: CategoryUpdate, scope: PetitionManager, session: Session
) -> CategoryOut:
    category, path = await service.for_staff(session=session, scope=scope, category_id=category_id)
    category = await service.update(
        session=session, category=category, body=body, community_path=path
    )
    await session.commit()
    return CategoryOut.model_validate(category)
