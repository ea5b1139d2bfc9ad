"""Who is calling: the Principal every service authorises by, and org-scope checks.

Token verification against the identity service's JWKS is filled in by the identity issue;
until then no route depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal[
    "district_admin", "community_admin", "community_staff", "grid_worker", "counter_operator"
]


@dataclass(frozen=True)
class RoleGrant:
    """A staff role held on an org unit; it acts on that unit and everything below it."""

    role: Role
    unit_id: str
    unit_path: str  # materialised path, e.g. "/510703/510703101/510703101001"

    def covers(self, unit_path: str) -> bool:
        own = self.unit_path.rstrip("/")
        return unit_path == own or unit_path.startswith(own + "/")


@dataclass(frozen=True)
class Principal:
    sub: str
    name: str = ""
    community_id: str | None = None
    household_id: str | None = None
    verified: bool = False
    roles: tuple[RoleGrant, ...] = field(default_factory=tuple)

    def can_act_on(self, unit_path: str, *roles: Role) -> bool:
        """True if one of `roles` (any role when none given) is granted on the unit or above."""
        return any(g.covers(unit_path) and (not roles or g.role in roles) for g in self.roles)
