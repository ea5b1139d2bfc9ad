"""Org-scope checks of a principal's role grants."""

from kit.auth import Principal, RoleGrant

DISTRICT = "/510703"
TOWN = "/510703/fuxing"
COMMUNITY = "/510703/fuxing/fuxing-sq"
OTHER_TOWN_COMMUNITY = "/510703/xicheng/xiaobeijie"


def test_grant_covers_its_unit_and_everything_below():
    grant = RoleGrant(role="community_staff", unit_id="t1", unit_path=TOWN)
    assert grant.covers(TOWN) and grant.covers(COMMUNITY)
    assert not grant.covers(DISTRICT) and not grant.covers(OTHER_TOWN_COMMUNITY)


def test_prefix_of_a_sibling_name_is_not_below():
    grant = RoleGrant(role="community_staff", unit_id="c1", unit_path="/510703/fu")
    assert not grant.covers("/510703/fuxing")


def test_principal_acts_only_with_the_named_role():
    staff = Principal(sub="p1", roles=(RoleGrant("counter_operator", "c", COMMUNITY),))
    assert staff.can_act_on(COMMUNITY)
    assert staff.can_act_on(COMMUNITY, "counter_operator")
    assert not staff.can_act_on(COMMUNITY, "community_admin")
    assert not Principal(sub="resident").can_act_on(COMMUNITY)
