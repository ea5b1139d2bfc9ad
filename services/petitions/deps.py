"""FastAPI dependencies of the petitions API (`Annotated` aliases, in one place)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kit.auth import Role
from kit.deps import StaffScope, staff
from kit.request_deps import Now as Now
from kit.request_deps import SessionDep as Session

__all__ = ["MANAGERS", "Now", "PetitionManager", "PetitionStaff", "Session"]

# Staff who run a community's petitions (accept, assign, resolve, categories, the dashboard).
MANAGERS: tuple[Role, ...] = ("district_admin", "community_admin", "community_staff")

# Any staff member: managers, and grid workers who see and act on what is assigned to them.
PetitionStaff = Annotated[StaffScope, Depends(staff())]

# Staff who manage petitions: accept, assign, resolve, keep categories, read the dashboard.
PetitionManager = Annotated[StaffScope, Depends(staff(*MANAGERS))]
