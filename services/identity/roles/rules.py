"""Pure rules of staff roles: on which unit kinds a role is held, and who may grant it."""

from __future__ import annotations

from kit.auth import Principal, Role
from services.identity.org.rules import holds_root_admin

# role → unit kinds it can be held on
ROLE_UNIT_KINDS = {
    "district_admin": ("district", "town"),
    "community_admin": ("community",),
    "community_staff": ("community",),
    "grid_worker": ("community", "grid"),
    "counter_operator": ("community",),
}
COMMUNITY_ADMIN_GRANTS = ("community_staff", "grid_worker", "counter_operator")
# who may see the grants within a unit: those who grant there, and its staff (who assign
# 村民说事 cases to colleagues)
GRANT_LISTERS: tuple[Role, ...] = ("district_admin", "community_admin", "community_staff")


def may_hold(role: str, unit_kind: str) -> bool:
    """Admins of a district hold it on the district or a town; community roles on a community."""
    return unit_kind in ROLE_UNIT_KINDS[role]


def may_grant(principal: Principal, role: str, unit_path: str) -> bool:
    """District admins grant any role below them; community admins grant the staff roles."""
    if principal.can_act_on(unit_path, "district_admin"):
        return True
    return role in COMMUNITY_ADMIN_GRANTS and principal.can_act_on(unit_path, "community_admin")


def may_appoint(principal: Principal, unit_path: str, home_path: str | None) -> bool:
    """Whether the person whose community is at `home_path` may receive a role on the unit.

    A role on a unit goes only to someone registered in that unit's subtree (a community
    admin cannot make a resident of another community their staff). The exception: a
    district_admin of the root may appoint anyone, for outside staff the district sends.
    """
    if holds_root_admin(principal):
        return True
    own = unit_path.rstrip("/")
    return home_path is not None and (home_path == own or home_path.startswith(own + "/"))
