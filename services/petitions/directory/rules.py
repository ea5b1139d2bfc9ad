"""Pure rules about org unit paths ("/district/town/community[/grid]")."""

from __future__ import annotations

import uuid


def path_ids(path: str) -> list[uuid.UUID]:
    """The unit ids along a path, root first."""
    return [uuid.UUID(part) for part in path.strip("/").split("/")]


def ancestors(path: str) -> list[tuple[uuid.UUID, str]]:
    """Every unit on the path with its own path, root first (the last is the unit itself)."""
    parts = path.strip("/").split("/")
    return [(uuid.UUID(parts[i]), "/" + "/".join(parts[: i + 1])) for i in range(len(parts))]


def parent_of(path: str) -> uuid.UUID | None:
    """The unit one level up (a community's town), or None at the root."""
    ids = path_ids(path)
    return ids[-2] if len(ids) >= 2 else None


def related(grant_path: str, community_path: str) -> bool:
    """A grant on the community, a unit above it, or a unit inside it (a grid)."""
    return _within(community_path, grant_path) or _within(grant_path, community_path)


def _within(inner: str, outer: str) -> bool:
    return inner == outer or inner.startswith(outer.rstrip("/") + "/")
