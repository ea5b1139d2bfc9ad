"""Org paths and principals holding one role there, shared by identity's rule tests."""

import uuid

from kit.auth import Principal, Role, RoleGrant

DISTRICT = "/d"
TOWN = "/d/xicheng"
COMMUNITY = "/d/xicheng/xiaobeijie"
GRID = "/d/xicheng/xiaobeijie/g1"
OTHER_TOWN = "/d/fuxing"
OTHER_COMMUNITY = "/d/fuxing/fuxing-sq"


def holding(role: Role, path: str) -> Principal:
    return Principal(sub=str(uuid.uuid4()), roles=(RoleGrant(role, "unit", path),))


DISTRICT_ADMIN = holding("district_admin", DISTRICT)
TOWN_ADMIN = holding("district_admin", TOWN)
COMMUNITY_ADMIN = holding("community_admin", COMMUNITY)
COMMUNITY_STAFF = holding("community_staff", COMMUNITY)
RESIDENT = Principal(sub=str(uuid.uuid4()))
