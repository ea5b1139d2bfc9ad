"""FastAPI dependencies of the points API (`Annotated` aliases, in one place)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kit.deps import StaffScope, staff
from kit.request_deps import Now as Now
from kit.request_deps import SessionDep as Session

__all__ = ["Now", "PointsStaff", "Session"]

# Staff who run a community's points: review claims, adjust, keep the list.
PointsStaff = Annotated[
    StaffScope, Depends(staff("district_admin", "community_admin", "community_staff"))
]
