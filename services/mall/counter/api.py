"""Counter redemptions: /api/mall/counter-redemptions (redeem for a resident at the counter)
and /api/mall/orders/{id}/fulfil (write a counter order off by its id, later)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit import idempotency
from kit.deps import StaffScope
from services.mall.counter import rules, service
from services.mall.counter.member_codes import MemberCodes
from services.mall.counter.schemas import CounterRedemptionIn, CounterRedemptionOut
from services.mall.deps import Config, IdempotencyKey, MallOperator, Now, Session
from services.mall.orders import reads
from services.mall.orders.models import Order
from services.mall.orders.schemas import OrderOut

router = APIRouter(tags=["counter"])


def _factory(request: Request) -> async_sessionmaker[AsyncSession]:
    factory: async_sessionmaker[AsyncSession] = request.app.state.runtime.session_factory
    return factory


def _clock(request: Request) -> Callable[[], datetime]:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


Factory = Annotated[async_sessionmaker[AsyncSession], Depends(_factory)]
Clock = Annotated[Callable[[], datetime], Depends(_clock)]

ANSWERS: dict[int | str, dict[str, object]] = {
    202: {"model": CounterRedemptionOut, "description": "积分确认中：按 Location 查询订单"}
}


@router.post(
    "/counter-redemptions", status_code=201, response_model=CounterRedemptionOut, responses=ANSWERS
)
async def redeem_at_counter(
    body: CounterRedemptionIn,
    scope: MallOperator,
    session: Session,
    now: Now,
    config: Config,
    verifier: MemberCodes,
    factory: Factory,
    clock: Clock,
    key: IdempotencyKey = None,
) -> JSONResponse:
    """Redeem for a resident at the counter: placed by the operator, confirmed by points as
    any order, written off at once. 201 fulfilled, or 201 failed with the reason; 202 with
    `Location` if points has not answered within `counter_wait_seconds`. Retrying with the
    same `Idempotency-Key` resumes the same order (waits again, writes it off once)."""
    way = rules.identification(
        member_code=body.member_code, phone=body.phone, id_last4=body.id_last4
    )
    order_id = await _claimed_order(session, scope, key, body)
    if order_id is None:
        phone_key = config.phone_hash_key.get_secret_value()
        order = await service.redeem(
            session, scope, body, way, verifier=verifier, phone_key=phone_key, now=now
        )
        order_id = order.id
        if key is not None:
            stored = {"order_id": str(order_id)}
            await idempotency.complete(
                session, scope=_scope(scope), key=key, status=201, body=stored
            )
    await session.commit()  # the order (or nothing, on a replay) before the wait
    order = await service.wait_for_points(factory, order_id, seconds=config.counter_wait_seconds)
    by = uuid.UUID(scope.principal.sub)
    order = await service.write_off_if_confirmed(factory, order_id, by=by, now=clock())
    return await _answer(factory, scope, order, config.pickup_qr_key.get_secret_value())


def _scope(scope: StaffScope) -> str:
    return f"counter:{scope.principal.sub}"


async def _claimed_order(
    session: AsyncSession, scope: StaffScope, key: str | None, body: CounterRedemptionIn
) -> uuid.UUID | None:
    """None when this call places the order; the first call's order when the key is replayed.
    The key remembers the order, not an answer: the first answer may have been "pending",
    and the resident is still at the counter waiting for the goods."""
    if key is None:
        return None
    stored = await idempotency.claim(session, scope=_scope(scope), key=key, request=body)
    return None if stored is None else uuid.UUID(stored.body["order_id"])


async def _answer(
    factory: async_sessionmaker[AsyncSession], scope: StaffScope, order: Order, qr_key: str
) -> JSONResponse:
    async with factory() as session:  # the resident's masked name, for the operator to check
        seen = await reads.staff_view(session, scope.principal, order, qr_key)
    answer = CounterRedemptionOut(
        **seen.model_dump(),
        outcome=rules.outcome(order.status),
        message=rules.message(order.status, order.failure_reason),
    )
    status = rules.status_code(order.status)
    headers = {"Location": f"/api/mall/orders/{order.id}"}
    return JSONResponse(answer.model_dump(mode="json"), status_code=status, headers=headers)


@router.post("/orders/{order_id}/fulfil")
async def fulfil_counter_order(
    order_id: uuid.UUID, scope: MallOperator, session: Session, now: Now, config: Config
) -> OrderOut:
    """Write off a counter order (channel "counter") by its id, for an operator of its
    community: the redemption answered 202 and points has since confirmed it. App orders are
    written off only by the pickup code the resident shows (POST /pickups): 409 here."""
    order = await service.fulfil_counter_order(session, scope, order_id, now=now)
    qr_key = config.pickup_qr_key.get_secret_value()
    answer = await reads.staff_view(session, scope.principal, order, qr_key)
    await session.commit()
    return answer
