"""Pure rules of the org tree: which kind sits under which, paths, who may create units."""

from __future__ import annotations

import uuid

from kit.auth import Principal
from services.identity.org.models import OrgUnit

# kind → the kind its parent must be
PARENT_KIND = {"district": None, "town": "district", "community": "town", "grid": "community"}


def fits_under(kind: str, parent_kind: str | None) -> bool:
    """A town sits under the district, a community under a town, a grid under a community."""
    return PARENT_KIND[kind] == parent_kind


def child_path(parent: OrgUnit | None, unit_id: uuid.UUID) -> str:
    """The materialised path of a new unit: its parent's path and its own id."""
    return f"{parent.path if parent else ''}/{unit_id}"


def may_create(principal: Principal, kind: str, parent: OrgUnit | None) -> bool:
    """District admins create anything below them; community admins create grids."""
    if parent is None:
        return False  # the root district is created at start-up, never through the API
    if principal.can_act_on(parent.path, "district_admin"):
        return True
    return kind == "grid" and principal.can_act_on(parent.path, "community_admin")


def holds_root_admin(principal: Principal) -> bool:
    """district_admin on the root unit itself: the root's path is its one id ("/<id>")."""
    return any(g.role == "district_admin" and g.unit_path.count("/") == 1 for g in principal.roles)
