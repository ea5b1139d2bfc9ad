"""FastAPI dependencies of the notices API (`Annotated` aliases, in one place)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kit.auth import Role
from kit.deps import StaffScope, staff
from kit.request_deps import Now as Now
from kit.request_deps import SessionDep as Session

__all__ = ["MANAGERS", "NoticeManager", "Now", "Session"]

# Staff who publish a unit's notices and run its activities.
MANAGERS: tuple[Role, ...] = ("district_admin", "community_admin", "community_staff")

NoticeManager = Annotated[StaffScope, Depends(staff(*MANAGERS))]
