"""Pure rules about org unit paths beyond kit.paths: which grants concern a community."""

from __future__ import annotations

from kit.paths import within


def related(grant_path: str, community_path: str) -> bool:
    """A grant on the community, a unit above it, or a unit inside it (a grid)."""
    return within(community_path, grant_path) or within(grant_path, community_path)
