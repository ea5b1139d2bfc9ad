from __future__ import annotations

import uuid

from kit.paths import ancestors, parent_of
from services.petitions.directory.rules import related

D, T, C, G = (uuid.uuid4() for _ in range(4))
COMMUNITY = f"/{D}/{T}/{C}"


def test_a_community_s_parent_is_its_town() -> None:
    assert parent_of(COMMUNITY) == T
    assert parent_of(f"/{D}") is None


def test_ancestors_carry_their_own_paths() -> None:
    assert ancestors(COMMUNITY) == [(D, f"/{D}"), (T, f"/{D}/{T}"), (C, COMMUNITY)]


def test_grants_related_to_a_community() -> None:
    assert related(f"/{D}/{T}", COMMUNITY)
    assert related(COMMUNITY, COMMUNITY)
    assert related(f"{COMMUNITY}/{G}", COMMUNITY)
    assert not related(f"/{D}/{uuid.uuid4()}", COMMUNITY)
    # A sibling whose id merely starts like this one is not inside it.
    assert not related(f"/{D}/{T}/{C}0", COMMUNITY)
