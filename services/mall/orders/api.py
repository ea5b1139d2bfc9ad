"""Orders: /api/mall/orders (place, read, list, cancel) and /api/mall/pickups (write-off)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from kit import idempotency
from kit.deps import CurrentPrincipal
from kit.errors import Forbidden
from services.mall.deps import Config, IdempotencyKey, MallOperator, Now, Session
from services.mall.orders import pickup, reads
from services.mall.orders import service as orders
from services.mall.orders.placement import Request, place
from services.mall.orders.schemas import (
    OrderCreate,
    OrderOut,
    OrderPage,
    PickupIn,
    StatusFilter,
)

router = APIRouter(tags=["orders"])


@router.post("/orders", status_code=201, response_model=OrderOut)
async def place_order(
    body: OrderCreate,
    resident: CurrentPrincipal,
    session: Session,
    now: Now,
    config: Config,
    key: IdempotencyKey = None,
) -> OrderOut | JSONResponse:
    """Reserve the stock and ask points to hold the price: the order waits in
    `pending_points` until points answers (seconds), then `confirmed` with a pickup code or
    `failed` with the reason. Retry with the same `Idempotency-Key` to get the same order."""
    if resident.community_id is None:
        raise Forbidden("仅居民可以兑换商品")
    scope = f"order:{resident.sub}"
    if key is not None:
        stored = await idempotency.claim(session, scope=scope, key=key, request=body)
        if stored is not None:
            return stored.response()
    request = Request(
        resident_id=uuid.UUID(resident.sub),
        community_id=uuid.UUID(resident.community_id),
        item_id=body.item_id,
        counter_id=body.counter_id,
        quantity=body.quantity,
        placed_by=uuid.UUID(resident.sub),
    )
    order = await place(session, request, now=now)
    answer = reads.view(resident, order, config.pickup_qr_key.get_secret_value())
    if key is not None:
        await idempotency.complete(
            session, scope=scope, key=key, status=201, body=answer.model_dump(mode="json")
        )
    await session.commit()
    return answer


@router.get("/orders")
async def list_orders(
    principal: CurrentPrincipal,
    session: Session,
    config: Config,
    mine: bool = False,
    status: StatusFilter | None = None,
    community_id: uuid.UUID | None = None,
    counter_id: uuid.UUID | None = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> OrderPage:
    """Mine (`mine=true`, `status=open` for those not yet closed), or for staff the orders of
    the communities they serve (filter by community or counter)."""
    query = reads.ListQuery(
        mine=mine,
        status=status,
        community_id=community_id,
        counter_id=counter_id,
        cursor=cursor,
        limit=limit,
    )
    return await reads.page(session, principal, query, config.pickup_qr_key.get_secret_value())


@router.get("/orders/{order_id}")
async def get_order(
    order_id: uuid.UUID, principal: CurrentPrincipal, session: Session, config: Config
) -> OrderOut:
    order = reads.visible(principal, await orders.by_id(session, order_id))
    return await reads.staff_view(
        session, principal, order, config.pickup_qr_key.get_secret_value()
    )


@router.post("/orders/{order_id}/cancel")
async def cancel_order(
    order_id: uuid.UUID, principal: CurrentPrincipal, session: Session, now: Now, config: Config
) -> OrderOut:
    """The resident cancels before pickup (or staff of the counter's community cancel a
    confirmed order): the stock goes back and points releases the hold. Twice is 409."""
    order = reads.visible(principal, await orders.locked(session, order_id))
    if not reads.is_owner(principal, order) and order.status != "confirmed":
        raise Forbidden("工作人员只能取消待取货的订单")
    await orders.cancel(session, order, by=uuid.UUID(principal.sub), now=now)
    qr_key = config.pickup_qr_key.get_secret_value()
    answer = await reads.staff_view(session, principal, order, qr_key)
    await session.commit()
    return answer


@router.post("/pickups")
async def write_off(
    body: PickupIn, scope: MallOperator, session: Session, now: Now, config: Config
) -> OrderOut:
    """Write a pickup off by its code (typed, or the scanned QR). Unknown → 404; used,
    expired, cancelled or another counter's → 409; nothing changes on any refusal."""
    key = config.pickup_qr_key.get_secret_value()
    code = pickup.read_code(body.code, key)
    order = await pickup.write_off(session, scope, code=code, counter_id=body.counter_id, now=now)
    answer = await reads.staff_view(session, scope.principal, order, key)
    await session.commit()
    return answer
