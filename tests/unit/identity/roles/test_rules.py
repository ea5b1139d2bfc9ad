"""Staff roles without I/O: who grants which role where, and on which unit kinds it is held."""

import pytest

from services.identity.roles.rules import may_appoint, may_grant, may_hold
from tests.unit.identity.principals import (
    COMMUNITY,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    DISTRICT,
    DISTRICT_ADMIN,
    GRID,
    OTHER_COMMUNITY,
    RESIDENT,
    TOWN,
    TOWN_ADMIN,
)


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


@pytest.mark.parametrize("kind", ["district", "town"])
def test_district_admin_is_held_on_the_district_or_a_town(kind):
    assert may_hold("district_admin", kind)


@pytest.mark.parametrize("kind", ["community", "grid"])
def test_district_admin_is_not_held_on_a_community_or_grid(kind):
    assert not may_hold("district_admin", kind)


@pytest.mark.parametrize("role", ["community_admin", "community_staff", "counter_operator"])
def test_community_roles_are_held_only_on_a_community(role):
    assert may_hold(role, "community")
    assert not any(may_hold(role, kind) for kind in ("district", "town", "grid"))


def test_grid_worker_is_held_on_a_community_or_one_of_its_grids():
    assert may_hold("grid_worker", "community")
    assert may_hold("grid_worker", "grid")
    assert not may_hold("grid_worker", "town")


def test_a_role_goes_only_to_someone_registered_below_the_unit():
    assert may_appoint(COMMUNITY_ADMIN, COMMUNITY, COMMUNITY)
    assert may_appoint(TOWN_ADMIN, TOWN, COMMUNITY)
    assert not may_appoint(COMMUNITY_ADMIN, COMMUNITY, OTHER_COMMUNITY)
    assert not may_appoint(TOWN_ADMIN, COMMUNITY, TOWN + "/other-community")
    assert not may_appoint(COMMUNITY_ADMIN, COMMUNITY, COMMUNITY + "-lookalike")
    assert not may_appoint(COMMUNITY_ADMIN, COMMUNITY, None)


def test_the_root_district_admin_appoints_anyone_even_without_a_community():
    assert may_appoint(DISTRICT_ADMIN, COMMUNITY, OTHER_COMMUNITY)
    assert may_appoint(DISTRICT_ADMIN, TOWN, None)
