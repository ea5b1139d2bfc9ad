"""Identity's decisions without I/O: verification states, who grants roles, who creates units."""

import uuid

import pytest

from kit.auth import Principal, Role, RoleGrant
from kit.errors import Conflict
from services.identity.models import OrgUnit
from services.identity.org import may_create
from services.identity.people import next_status
from services.identity.roles import may_grant

DISTRICT = "/d"
TOWN = "/d/xicheng"
COMMUNITY = "/d/xicheng/xiaobeijie"
GRID = "/d/xicheng/xiaobeijie/g1"
OTHER_TOWN = "/d/fuxing"
OTHER_COMMUNITY = "/d/fuxing/fuxing-sq"


def holding(role: Role, path: str) -> Principal:
    return Principal(sub=str(uuid.uuid4()), roles=(RoleGrant(role, "unit", path),))


def unit(kind: str, path: str) -> OrgUnit:
    return OrgUnit(id=uuid.uuid4(), kind=kind, code=path.rsplit("/", 1)[-1], name="", path=path)


DISTRICT_ADMIN = holding("district_admin", DISTRICT)
TOWN_ADMIN = holding("district_admin", TOWN)
COMMUNITY_ADMIN = holding("community_admin", COMMUNITY)
COMMUNITY_STAFF = holding("community_staff", COMMUNITY)
RESIDENT = Principal(sub=str(uuid.uuid4()))


# --- verification state machine -------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "action", "after"),
    [
        ("unverified", "submit", "pending"),
        ("rejected", "submit", "pending"),
        ("pending", "approve", "verified"),
        ("pending", "reject", "rejected"),
    ],
)
def test_verification_moves_only_along_allowed_transitions(current, action, after):
    assert next_status(current, action) == after


@pytest.mark.parametrize(
    ("current", "action"),
    [
        ("verified", "submit"),
        ("pending", "submit"),
        ("unverified", "approve"),
        ("unverified", "reject"),
        ("verified", "approve"),
        ("rejected", "approve"),
        ("verified", "reject"),
        ("pending", "withdraw"),
    ],
)
def test_verification_refuses_any_other_transition_as_a_conflict(current, action):
    with pytest.raises(Conflict) as refused:
        next_status(current, action)
    assert refused.value.status == 409
    assert refused.value.field == "verification_status"
    assert refused.value.extra["current"] == current


# --- granting staff roles ---------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    ["district_admin", "community_admin", "community_staff", "grid_worker", "counter_operator"],
)
@pytest.mark.parametrize("path", [TOWN, COMMUNITY, GRID, OTHER_COMMUNITY])
def test_district_admin_grants_any_role_below_the_district(role, path):
    assert may_grant(DISTRICT_ADMIN, role, path)


def test_district_admin_of_a_town_grants_only_inside_that_town():
    assert may_grant(TOWN_ADMIN, "community_admin", COMMUNITY)
    assert not may_grant(TOWN_ADMIN, "community_admin", OTHER_COMMUNITY)
    assert not may_grant(TOWN_ADMIN, "district_admin", DISTRICT)


@pytest.mark.parametrize("role", ["community_staff", "grid_worker", "counter_operator"])
def test_community_admin_grants_staff_roles_in_its_community(role):
    assert may_grant(COMMUNITY_ADMIN, role, COMMUNITY)
    assert may_grant(COMMUNITY_ADMIN, role, GRID)


@pytest.mark.parametrize("role", ["district_admin", "community_admin"])
def test_community_admin_cannot_grant_admin_roles(role):
    assert not may_grant(COMMUNITY_ADMIN, role, COMMUNITY)


@pytest.mark.parametrize("path", [OTHER_COMMUNITY, TOWN, DISTRICT])
def test_community_admin_cannot_grant_outside_its_community(path):
    assert not may_grant(COMMUNITY_ADMIN, "community_staff", path)


@pytest.mark.parametrize("principal", [COMMUNITY_STAFF, RESIDENT])
def test_staff_and_residents_grant_nothing(principal):
    assert not may_grant(principal, "counter_operator", COMMUNITY)


# --- creating org units -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "parent"),
    [("town", unit("district", DISTRICT)), ("community", unit("town", TOWN))],
)
def test_district_admin_creates_towns_and_communities_below_it(kind, parent):
    assert may_create(DISTRICT_ADMIN, kind, parent)


def test_district_admin_creates_grids_in_any_community_below_it():
    assert may_create(DISTRICT_ADMIN, "grid", unit("community", OTHER_COMMUNITY))


def test_community_admin_creates_grids_in_its_own_community_only():
    assert may_create(COMMUNITY_ADMIN, "grid", unit("community", COMMUNITY))
    assert not may_create(COMMUNITY_ADMIN, "grid", unit("community", OTHER_COMMUNITY))


def test_community_admin_creates_nothing_but_grids():
    assert not may_create(COMMUNITY_ADMIN, "community", unit("town", TOWN))
    assert not may_create(COMMUNITY_ADMIN, "town", unit("district", DISTRICT))


@pytest.mark.parametrize("principal", [COMMUNITY_STAFF, RESIDENT])
def test_staff_and_residents_create_no_units(principal):
    assert not may_create(principal, "grid", unit("community", COMMUNITY))


@pytest.mark.parametrize("principal", [DISTRICT_ADMIN, COMMUNITY_ADMIN, RESIDENT])
def test_nobody_creates_a_root_unit(principal):
    assert not may_create(principal, "district", None)
