"""Items and their stock: /api/mall/items (create, change, read, list, stock, stock moves)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from kit.deps import CurrentPrincipal
from services.mall.catalog import items, stocking
from services.mall.catalog.schemas import (
    Category,
    ItemCreate,
    ItemOut,
    ItemPage,
    ItemUpdate,
    MovePage,
    StockChange,
    StockOut,
)
from services.mall.deps import MallManager, MallOperator, Now, Session

router = APIRouter(tags=["catalog"])
Cursor = Annotated[str | None, Query(max_length=200)]


@router.post("/items", status_code=201)
async def create_item(body: ItemCreate, scope: MallManager, session: Session, now: Now) -> ItemOut:
    """Put an item in a community's catalog; stock is added per counter afterwards."""
    item = await items.create(session=session, scope=scope, body=body, now=now)
    answer = await items.item_out(session, item, staff=True)
    await session.commit()
    return answer


@router.patch("/items/{item_id}")
async def update_item(
    item_id: uuid.UUID, body: ItemUpdate, scope: MallManager, session: Session, now: Now
) -> ItemOut:
    """Change an item, or take it off / put it on the shelf (`on_shelf`)."""
    item = await items.managed(session=session, scope=scope, item_id=item_id, lock=True)
    await items.update(session=session, item=item, body=body, now=now)
    answer = await items.item_out(session, item, staff=True)
    await session.commit()
    return answer


@router.get("/items")
async def list_items(
    principal: CurrentPrincipal,
    session: Session,
    now: Now,
    community_id: uuid.UUID | None = None,
    category: Annotated[Category | None, Query()] = None,
    counter_id: uuid.UUID | None = None,
    on_sale: bool | None = None,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ItemPage:
    """Residents: their community's items on sale now. Staff: every item of the communities
    they cover; `on_sale` narrows to items orderable now (true) or not (false)."""
    query = items.ItemQuery(
        community_id=community_id,
        category=category,
        counter_id=counter_id,
        on_sale=on_sale,
        cursor=cursor,
        limit=limit,
    )
    return await items.page(session=session, principal=principal, query=query, now=now)


@router.get("/items/{item_id}")
async def get_item(
    item_id: uuid.UUID, principal: CurrentPrincipal, session: Session, now: Now
) -> ItemOut:
    item, staff = await items.visible(
        session=session, principal=principal, item_id=item_id, now=now
    )
    return await items.item_out(session, item, staff=staff)


@router.post("/items/{item_id}/stock")
async def change_stock(
    item_id: uuid.UUID, body: StockChange, scope: MallManager, session: Session, now: Now
) -> StockOut:
    """Restock (delta > 0) or adjust (either sign, e.g. after a count) at one counter of the
    item's community. Below zero is 409; every change is a stock move with its actor."""
    item = await items.managed(session=session, scope=scope, item_id=item_id)
    answer = await stocking.change(
        session=session, item=item, body=body, actor=scope.principal.sub, now=now
    )
    await session.commit()
    return answer


@router.get("/items/{item_id}/stock-moves")
async def list_stock_moves(
    item_id: uuid.UUID,
    scope: MallOperator,
    session: Session,
    counter_id: uuid.UUID | None = None,
    cursor: Cursor = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> MovePage:
    """Every change of the item's stock, newest first: restocks, adjustments, orders, returns."""
    item = await items.managed(session=session, scope=scope, item_id=item_id)
    query = stocking.MoveQuery(counter_id=counter_id, cursor=cursor, limit=limit)
    return await stocking.moves(session=session, item=item, query=query)
