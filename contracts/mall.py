"""Events published by the mall service (the redemption saga's mall side)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import AwareDatetime, Field

from contracts.base import REGISTRY, EventData


@REGISTRY.register
class OrderPlaced(EventData):
    """Stock is reserved for an order; points must now hold its price."""

    event_type: ClassVar[str] = "org.shanzhi.mall.order.placed.v1"
    topic: ClassVar[str] = "mall.events"
    aggregate_type: ClassVar[str] = "order"

    order_id: str = Field(min_length=1, max_length=64)
    resident_id: str = Field(min_length=1, max_length=64)
    community_id: str = Field(min_length=1, max_length=64)
    total_points: int = Field(gt=0)
    placed_at: AwareDatetime
