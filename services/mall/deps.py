"""FastAPI dependencies of the mall API (`Annotated` aliases, in one place)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kit import idempotency
from kit.auth import Role
from kit.deps import StaffScope, staff
from kit.request_deps import Now as Now
from kit.request_deps import SessionDep as Session
from services.mall.config import Settings

__all__ = [
    "MANAGERS",
    "OPERATORS",
    "Config",
    "IdempotencyKey",
    "MallManager",
    "MallOperator",
    "Now",
    "Session",
]

# Staff who run a community's mall: counters, items, stock, reports.
MANAGERS: tuple[Role, ...] = ("district_admin", "community_admin", "community_staff")
# Staff who may also serve at a counter: write pickups off, redeem for residents.
OPERATORS: tuple[Role, ...] = (*MANAGERS, "counter_operator")

MallManager = Annotated[StaffScope, Depends(staff(*MANAGERS))]
MallOperator = Annotated[StaffScope, Depends(staff(*OPERATORS))]

IdempotencyKey = idempotency.KeyHeader


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.mall_settings
    return settings


Config = Annotated[Settings, Depends(_settings)]
