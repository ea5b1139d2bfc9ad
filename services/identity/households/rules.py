"""Pure rules of households: which staff manage them, and when the head may leave."""

from __future__ import annotations

from kit.auth import Role

HOUSEHOLD_STAFF: tuple[Role, ...] = (
    "district_admin",
    "community_admin",
    "community_staff",
    "grid_worker",
)


def head_may_leave(member_count: int) -> bool:
    """The head leaves last: only once nobody else is left in the household."""
    return member_count <= 1
