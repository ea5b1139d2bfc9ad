"""Pure rules of disabling an account: who may disable whom."""

from __future__ import annotations

from collections.abc import Iterable

from kit.auth import Principal, Role
from services.identity.org.rules import holds_root_admin
from services.identity.roles.rules import may_grant

# Those who may disable the people of a unit they administer.
DISABLERS: tuple[Role, ...] = ("district_admin", "community_admin")


def covers_person(principal: Principal, home_path: str | None) -> bool:
    """An administrator of the person's community (or above); a person of no community (the
    first administrator) only by a root district admin."""
    if home_path is None:
        return holds_root_admin(principal)
    return principal.can_act_on(home_path, *DISABLERS)


def may_disable(principal: Principal, grants: Iterable[tuple[str, str]]) -> bool:
    """Whether the caller could revoke every role the person holds ((role, unit path) pairs):
    disabling must not reach further than revoking, or a community admin could lock out
    the district admin who lives in their community."""
    return all(may_grant(principal, role, path) for role, path in grants)
