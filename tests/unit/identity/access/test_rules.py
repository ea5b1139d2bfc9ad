"""Who may disable whom: administrators of the person's community who could revoke every role."""

from services.identity.access.rules import covers_person, may_disable
from tests.unit.identity.principals import (
    COMMUNITY,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    DISTRICT,
    DISTRICT_ADMIN,
    OTHER_COMMUNITY,
    TOWN,
    TOWN_ADMIN,
)


def test_a_community_admin_covers_the_people_of_their_community_only():
    assert covers_person(COMMUNITY_ADMIN, COMMUNITY)
    assert not covers_person(COMMUNITY_ADMIN, OTHER_COMMUNITY)


def test_a_district_admin_covers_everyone_below_and_community_staff_no_one():
    assert covers_person(TOWN_ADMIN, COMMUNITY) and covers_person(DISTRICT_ADMIN, OTHER_COMMUNITY)
    assert not covers_person(COMMUNITY_STAFF, COMMUNITY)


def test_a_person_of_no_community_is_covered_by_a_root_district_admin_only():
    assert not covers_person(TOWN_ADMIN, None) and not covers_person(COMMUNITY_ADMIN, None)
    assert covers_person(DISTRICT_ADMIN, None)


def test_a_community_admin_may_disable_their_staff_but_not_an_admin_above_them():
    assert may_disable(COMMUNITY_ADMIN, [("community_staff", COMMUNITY)])
    assert may_disable(COMMUNITY_ADMIN, [])  # a resident without roles
    assert not may_disable(COMMUNITY_ADMIN, [("community_admin", COMMUNITY)])
    assert not may_disable(COMMUNITY_ADMIN, [("district_admin", TOWN)])
    assert may_disable(DISTRICT_ADMIN, [("district_admin", TOWN)])
    assert not may_disable(TOWN_ADMIN, [("district_admin", DISTRICT)])
