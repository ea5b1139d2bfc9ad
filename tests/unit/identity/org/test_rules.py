"""The org tree without I/O: which kind sits under which, paths, who creates units."""

import uuid

import pytest

from services.identity.org.models import OrgUnit
from services.identity.org.rules import child_path, fits_under, holds_root_admin, may_create
from tests.unit.identity.principals import (
    COMMUNITY,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    DISTRICT,
    DISTRICT_ADMIN,
    OTHER_COMMUNITY,
    RESIDENT,
    TOWN,
    TOWN_ADMIN,
)


def unit(kind: str, path: str) -> OrgUnit:
    return OrgUnit(id=uuid.uuid4(), kind=kind, code=path.rsplit("/", 1)[-1], name="", path=path)


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


@pytest.mark.parametrize(
    ("kind", "parent_kind"),
    [("district", None), ("town", "district"), ("community", "town"), ("grid", "community")],
)
def test_each_kind_fits_under_the_kind_one_level_up(kind, parent_kind):
    assert fits_under(kind, parent_kind)


@pytest.mark.parametrize(
    ("kind", "parent_kind"),
    [
        ("district", "district"),
        ("town", None),
        ("community", "district"),
        ("grid", "town"),
        ("grid", "grid"),
    ],
)
def test_a_kind_does_not_fit_under_a_skipped_or_wrong_level(kind, parent_kind):
    assert not fits_under(kind, parent_kind)


def test_child_path_appends_the_new_id_to_the_parents_path():
    child = uuid.uuid4()
    assert child_path(unit("town", TOWN), child) == f"{TOWN}/{child}"


def test_the_root_units_path_is_its_own_id():
    root = uuid.uuid4()
    assert child_path(None, root) == f"/{root}"


def test_only_a_district_admin_on_the_root_unit_is_root_admin():
    assert holds_root_admin(DISTRICT_ADMIN)
    assert not holds_root_admin(TOWN_ADMIN)
    assert not holds_root_admin(COMMUNITY_ADMIN)
    assert not holds_root_admin(RESIDENT)
