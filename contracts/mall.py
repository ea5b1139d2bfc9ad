"""Events published by the mall service (the redemption saga's mall side)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts.base import REGISTRY, EventData

Id = Field(min_length=1, max_length=64)


class _OrderEvent(EventData):
    topic: ClassVar[str] = "mall.events"
    aggregate_type: ClassVar[str] = "order"

    order_id: str = Id
    resident_id: str = Id
    community_id: str = Id


@REGISTRY.register
class OrderPlaced(_OrderEvent):
    """Stock is reserved for an order; points must now hold its price."""

    event_type: ClassVar[str] = "org.shanzhi.mall.order.placed.v1"

    total_points: int = Field(gt=0)
    placed_at: AwareDatetime


@REGISTRY.register
class OrderConfirmed(_OrderEvent):
    """Points are held: the order waits at its counter for pickup until `pickup_by`."""

    event_type: ClassVar[str] = "org.shanzhi.mall.order.confirmed.v1"

    counter_id: str = Id
    total_points: int = Field(gt=0)
    pickup_by: AwareDatetime


@REGISTRY.register
class OrderFailed(_OrderEvent):
    """Points refused the hold: the stock went back, nothing was spent."""

    event_type: ClassVar[str] = "org.shanzhi.mall.order.failed.v1"

    reason: Literal["insufficient", "unverified", "unknown_resident"]
    failed_at: AwareDatetime


@REGISTRY.register
class OrderFulfilled(_OrderEvent):
    """Picked up at the counter (核销): the held points are spent."""

    event_type: ClassVar[str] = "org.shanzhi.mall.order.fulfilled.v1"

    fulfilled_at: AwareDatetime


@REGISTRY.register
class OrderCancelled(_OrderEvent):
    event_type: ClassVar[str] = "org.shanzhi.mall.order.cancelled.v1"

    cancelled_at: AwareDatetime


@REGISTRY.register
class OrderExpired(_OrderEvent):
    """Not picked up in time: the hold and the stock are released."""

    event_type: ClassVar[str] = "org.shanzhi.mall.order.expired.v1"

    expired_at: AwareDatetime
